import { freezeInForce, isInWindow, nextFreeze, nextOpenTime, nextWindowOpening, windowOpeningAt } from "./calendar.js";
import { formatInstant, formatSpan, formatWeekdayTime, formatWhen } from "./format.js";
import { buildReport } from "./report.js";
import type { WindowsConfig } from "../core/config/index.js";
import type { GateReport, GateResult, Override, ShiftGateInput } from "./types.js";

/**
 * The window and freeze gates. They run when a deployment starts and again before every
 * traffic shift (`evaluateShiftGates`), so a canary that reaches a freeze holds where it is.
 * Both can be overridden (break-glass); no other gate can.
 */

/** Where in a deployment the check runs: it changes what the remedy tells a person. */
export type CheckPoint = "start" | "shift";

const BREAK_GLASS = 'override with --override-window --reason "…" (needs the admin role or an emergency grant)';

function holdText(point: CheckPoint, event: string): string {
  return point === "start"
    ? `the deployment waits and starts when ${event}; or ${BREAK_GLASS}`
    : `traffic stays where it is and the next shift waits until ${event}; or ${BREAK_GLASS}`;
}

/** The `window` gate; undefined when the environment names no allow windows. */
export function windowGate(windows: WindowsConfig, now: number, point: CheckPoint): GateResult | undefined {
  const { allow } = windows;
  if (allow.length === 0) return undefined;
  const names = allow.map((w) => w.text).join(" or ");
  if (isInWindow(allow, now)) {
    const zone = windowOpeningAt(allow, now)!.zone;
    return { gate: "window", passed: true, outcome: "pass", facts: `inside ${names} (now ${formatWeekdayTime(now, zone)} in ${zone})` };
  }
  const opens = nextWindowOpening(allow, now);
  const zone = windowOpeningAt(allow, opens)!.zone;
  const when = formatWhen(opens, now, zone);
  return {
    gate: "window",
    passed: false,
    outcome: "wait",
    facts: `outside ${names} (now ${formatWeekdayTime(now, zone)} in ${zone}); next opens ${when}`,
    remedy: holdText(point, "the window opens"),
  };
}

/** The `freeze` gate; undefined when the environment names no freezes. */
export function freezeGate(windows: WindowsConfig, now: number, point: CheckPoint): GateResult | undefined {
  if (windows.freeze.length === 0) return undefined;
  const active = freezeInForce(windows.freeze, now);
  const label = (f: { text: string; reason?: string }) => `${f.text}${f.reason ? ` "${f.reason}"` : ""}`;
  if (!active) {
    const next = nextFreeze(windows.freeze, now);
    const ahead = next ? `; next: ${label(next)} begins ${formatInstant(next.start, next.zone)} (in ${formatSpan(next.start - now)})` : "";
    return { gate: "freeze", passed: true, outcome: "pass", facts: `none in force${ahead}` };
  }
  const until = formatInstant(active.end, active.zone);
  return {
    gate: "freeze",
    passed: false,
    outcome: "wait",
    facts: `${label(active)} is in force until ${until} (in ${formatSpan(active.end - now)})`,
    remedy: holdText(point, "the freeze ends"),
  };
}

/**
 * Applies a break-glass override to a window or freeze result. Permitted: the gate passes,
 * marked `overridden`, with who and why in its facts. Not permitted: the gate stays failed
 * and says the override was refused. A gate that passed on its own is left alone.
 */
export function applyOverride(result: GateResult, override: Override | null): GateResult {
  if (result.passed || !override) return result;
  if (!override.allowed) {
    return {
      ...result,
      facts: `${result.facts}; the override by ${override.by} was refused: it needs the admin role or an emergency grant`,
    };
  }
  const { remedy: _remedy, ...rest } = result;
  return {
    ...rest,
    passed: true,
    outcome: "pass",
    overridden: true,
    facts: `${result.facts}; overridden by ${override.by}: "${override.reason}"`,
  };
}

/** Window then freeze results for `windows` at `now`, with the override applied. */
export function windowAndFreezeGates(windows: WindowsConfig | undefined, now: number, override: Override | null, point: CheckPoint): GateResult[] {
  if (!windows) return [];
  return [windowGate(windows, now, point), freezeGate(windows, now, point)]
    .filter((g): g is GateResult => g !== undefined)
    .map((g) => applyOverride(g, override));
}

/**
 * When time alone would let held window/freeze gates pass (the next instant inside a window
 * and outside every freeze, from `from` on), or null when they are not holding anything.
 */
export function windowRecheckAt(gates: readonly GateResult[], windows: WindowsConfig | undefined, from: number): number | null {
  const held = gates.some((g) => (g.gate === "window" || g.gate === "freeze") && g.outcome === "wait");
  return held && windows ? nextOpenTime(windows, from) : null;
}

/**
 * The checks to make before every traffic shift of a running deployment: window and freeze
 * only (promotion, soak and approvals were settled when it started). The verdict is pass or
 * wait, never refuse: a deployment held here keeps its current traffic and re-checks at
 * `recheckAt`. The deployment's override, if it has one, applies here too.
 */
export function evaluateShiftGates(input: ShiftGateInput): GateReport {
  const windows = input.environment.windows;
  const gates = windowAndFreezeGates(windows, input.now, input.override, "shift");
  return buildReport(gates, windowRecheckAt(gates, windows, input.now));
}
