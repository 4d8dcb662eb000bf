// The example service: answers "hello from VERSION". Its build.json says how the build behaves,
// so the demo can ship a bad build (one that fails a share of requests) without changing code.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const build = JSON.parse(readFileSync(new URL("./build.json", import.meta.url), "utf8"));
const version = process.env.SLIPWAY_VERSION ?? build.version ?? "dev";
const failRate = Number(build.failRate ?? 0);
// A slow starter: /healthz answers 503 until this many ms after start (readiness must wait).
const readyAt = Date.now() + Number(build.readyAfterMs ?? 0);
const port = Number(process.env.PORT ?? 8080);
let served = 0;
// For the secret-handling test: SHOW_SECRET names a variable the app prints at start (its log
// must show it redacted) and whose SHA-256 it answers at /secret-sha256 (proof it got the value).
const shown = process.env.SHOW_SECRET;
if (shown) console.log(`${shown}=${process.env[shown] ?? ""}`);

const server = createServer((req, res) => {
  if (req.url === "/healthz") {
    if (Date.now() < readyAt) return res.writeHead(503).end("warming up\n");
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ ok: true, version }));
  }
  if (shown && req.url === "/secret-sha256") {
    return res.end(createHash("sha256").update(process.env[shown] ?? "").digest("hex"));
  }
  served++;
  // Deterministic share of failures: every Nth request, so small samples still show the rate.
  const failEvery = failRate > 0 ? Math.round(1 / failRate) : 0;
  if (failEvery > 0 && served % failEvery === 0) {
    res.writeHead(500, { "content-type": "text/plain" });
    return res.end(`hello ${version} failed\n`);
  }
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(`hello from ${version}\n`);
});

server.keepAliveTimeout = 5_000;
// HOST lets a fleet host listen on its own address (the ssh tests set it to 0.0.0.0).
server.listen(port, process.env.HOST ?? "127.0.0.1", () => console.log(`hello ${version} listening on ${port}`));

// Graceful stop: finish in-flight requests, then exit.
process.on("SIGTERM", () => {
  console.log("got SIGTERM, draining");
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  setTimeout(() => process.exit(0), 5_000).unref();
});
