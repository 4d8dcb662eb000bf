/**
 * Real Chromium for the dashboard's tests, screenshots and benchmark: Debian's /usr/bin/chromium
 * driven by playwright-core (never a downloaded browser), with the flags this machine needs
 * (no sandbox as root, no background networking on a closed network).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/** A new tab signed in with `token` (through the login form, as a person would). */
export async function signedIn(browser: Browser, baseUrl: string, token: string, path = "/"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
  await page.goto(baseUrl + path);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  return page;
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. The script goes in
 * through the DevTools protocol (page.evaluate), which the page's CSP does not govern: the CSP
 * stays as strict as in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate<boolean>('"axe" in window'))) await page.evaluate(axeSource);
  // The page's own code runs in the browser: written as text, since this file is compiled without the DOM's types.
  return page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })))`);
}

/** Presses Tab until an element whose accessible text contains `text` has the focus; false after `max` presses. */
export async function reachableByKeyboard(page: Page, text: string, max = 80): Promise<boolean> {
  await page.evaluate("document.activeElement && document.activeElement.blur()");
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate<string>('(document.activeElement?.getAttribute("aria-label") ?? "") + " " + (document.activeElement?.innerText ?? "")');
    if (focused.includes(text)) return true;
  }
  return false;
}
