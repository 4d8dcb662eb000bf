import { hostname } from "node:os";
import type { Logger } from "pino";
import { newId, systemClock, type Clock, type Deployment } from "../core/index.js";
import type { DriverSet } from "../drivers/index.js";
import type { RouterControl } from "../router/types.js";
import { listDeployments, type DeploymentQuery, type Store } from "../store/index.js";
import { DEFAULT_ENGINE_SETTINGS, type EngineContext, type EngineSettings } from "./context.js";
import { decideApproval, type ApprovalRequest } from "./approvals.js";
import { cancelDeployment, createDeployment, createPromotion, createRollback, type DeployRequest } from "./create.js";
import { dryRunGates } from "./gates.js";
import { Executor } from "./executor.js";
import { deploymentDetail, environmentStatus } from "./queries.js";
import { sweepOrphanReplicas } from "./reconcile.js";
import { applyService } from "./services.js";

export interface EngineOptions {
  store: Store;
  drivers: DriverSet;
  router: RouterControl;
  dataDir: string;
  log: Logger;
  clock?: Clock;
  secretSource?: Record<string, string | undefined>;
  settings?: Partial<EngineSettings>;
}

/** The deployment engine: owns the executor and the orphan sweep; the API calls its verbs. */
export class Engine {
  readonly ctx: EngineContext;
  private readonly executor: Executor;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: EngineOptions) {
    this.ctx = {
      store: options.store,
      drivers: options.drivers,
      router: options.router,
      dataDir: options.dataDir,
      log: options.log,
      clock: options.clock ?? systemClock,
      instanceId: `${hostname()}:${process.pid}:${newId()}`,
      secretSource: options.secretSource ?? {},
      settings: { ...DEFAULT_ENGINE_SETTINGS, ...options.settings },
    };
    this.executor = new Executor(this.ctx);
  }

  async start(): Promise<void> {
    await this.sweep();
    this.executor.start();
    this.sweepTimer = setInterval(() => void this.sweep(), this.ctx.settings.sweepIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.executor.stop();
  }

  async deploy(req: DeployRequest): Promise<Deployment> {
    const d = await createDeployment(this.ctx, req);
    this.executor.nudge();
    return d;
  }

  async rollback(req: Parameters<typeof createRollback>[1]): Promise<Deployment> {
    const d = await createRollback(this.ctx, req);
    this.executor.nudge();
    return d;
  }

  async promote(req: Parameters<typeof createPromotion>[1]): Promise<Deployment> {
    const d = await createPromotion(this.ctx, req);
    this.executor.nudge();
    return d;
  }

  async decide(req: ApprovalRequest) {
    const outcome = await decideApproval(this.ctx, req);
    this.executor.nudge();
    return outcome;
  }

  dryRun(req: Parameters<typeof dryRunGates>[1]) {
    return dryRunGates(this.ctx, req);
  }

  cancel(id: string, actor: string): Promise<Deployment> {
    return cancelDeployment(this.ctx, id, actor);
  }

  apply(yamlText: string, file: string, actor: string) {
    return applyService(this.ctx, yamlText, file, actor);
  }

  show(id: string) {
    return deploymentDetail(this.ctx, id);
  }

  status(service?: string) {
    return environmentStatus(this.ctx, service);
  }

  history(query: DeploymentQuery) {
    return listDeployments(this.ctx.store.db, query);
  }

  private async sweep(): Promise<void> {
    try {
      await sweepOrphanReplicas(this.ctx);
    } catch (err) {
      this.ctx.log.error({ err }, "orphan sweep failed; it runs again later");
    }
  }
}
