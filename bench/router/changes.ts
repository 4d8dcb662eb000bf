/**
 * Route changes under load: while wrk sends about 5,000 req/s through the router, the route is
 * changed every 50 ms through the admin API, as the engine does during a canary and a rollback:
 * weights shift, a version is dropped and added back, targets move. Every request must still
 * be answered with a 2xx.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RouterClient } from "../../src/router/index.js";
import { splitRoute } from "./processes.js";
import { paced, type WrkResult } from "./wrk.js";

export interface ChangesResult {
  changes: number;
  load: WrkResult;
}

export async function routeChangesUnderLoad(
  client: RouterClient,
  script: string,
  url: string,
  port: number,
  apps: [number, number],
  seconds: number,
): Promise<ChangesResult> {
  const plan = [
    splitRoute(port, apps, 90),
    splitRoute(port, apps, 50),
    splitRoute(port, apps, 0),
    { key: "bench/router", port, backends: [{ version: "v2", weight: 100, targets: [`127.0.0.1:${apps[1]}`] }] },
    { key: "bench/router", port, backends: [{ version: "v1", weight: 100, targets: [`127.0.0.1:${apps[0]}`, `127.0.0.1:${apps[1]}`] }] },
    splitRoute(port, apps, 100),
  ];
  let stop = false;
  let changes = 0;
  const changer = (async () => {
    while (!stop) {
      await client.setRoute(plan[changes % plan.length]!);
      changes++;
      await sleep(50);
    }
  })();
  try {
    const load = await paced(script, url, seconds, 5_000);
    return { changes, load };
  } finally {
    stop = true;
    await changer;
    await client.setRoute(splitRoute(port, apps, 90));
  }
}
