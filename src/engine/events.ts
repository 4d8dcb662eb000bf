import { EventEmitter } from "node:events";
import type { DeploymentState } from "../core/index.js";

/** What the engine announces as it works; the API turns these into SSE and logs. */
export interface EngineEventMap {
  "deployment:state": [{ id: string; service: string; environment: string; from: DeploymentState; to: DeploymentState; error?: string }];
  "deployment:step": [{ id: string; idx: number; kind: string; state: "running" | "done" | "failed"; detail?: string }];
  "deployment:decision": [{ id: string; check: string; verdict: string; reason: string }];
}

export class EngineEvents extends EventEmitter<EngineEventMap> {}
