import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Logger } from "pino";
import { newId, systemClock, type Clock, type ConfigResult, type Deployment } from "../core/index.js";
import type { DriverSet } from "../drivers/index.js";
import type { RouterControl } from "../router/types.js";
import { listDeployments, type DeploymentQuery, type Store } from "../store/index.js";
import { DEFAULT_ENGINE_SETTINGS, type EngineContext, type EngineSettings } from "./context.js";
import { decideApproval, type ApprovalRequest } from "./approvals.js";
import { cancelDeployment, createDeployment, createPromotion, createRollback, type DeployRequest } from "./create.js";
import { dryRunGates } from "./gates.js";
import { Executor } from "./executor.js";
import { deploymentDetail, environmentStatus } from "./queries.js";
import { announceApiUrl, clusterView, deregisterInstance, heartbeat, registerInstance, type ClusterView } from "./cluster.js";
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
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private joined = false;

  constructor(options: EngineOptions) {
    this.ctx = {
      store: options.store,
      drivers: options.drivers,
      router: options.router,
      dataDir: options.dataDir,
      log: options.log,
      clock: options.clock ?? systemClock,
      instanceId: `${hostname()}:${process.pid}:${newId()}`,
      node: `${hostname()}:${resolve(options.dataDir)}`,
      secretSource: options.secretSource ?? {},
      settings: { ...DEFAULT_ENGINE_SETTINGS, ...options.settings },
      counters: { leaseRenewals: 0, leasesLost: 0 },
    };
    this.executor = new Executor(this.ctx);
  }

  /**
   * Records this instance among those sharing the database (refused on SQLite when another
   * server already uses the file). Call it before anything else starts.
   */
  async join(): Promise<void> {
    if (this.joined) return;
    await registerInstance(this.ctx);
    this.joined = true;
  }

  /** Starts working: the executor, the orphan sweep, the instance heartbeat. */
  async start(apiUrl?: string): Promise<void> {
    await this.join();
    if (apiUrl) await announceApiUrl(this.ctx, apiUrl);
    await this.sweep();
    this.executor.start();
    this.sweepTimer = setInterval(() => void this.sweep(), this.ctx.settings.sweepIntervalMs);
    this.heartbeatTimer = setInterval(() => void this.beat(), this.ctx.settings.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    clearInterval(this.heartbeatTimer);
    await this.executor.stop();
    if (this.joined) await deregisterInstance(this.ctx);
  }

  /** The instances sharing the database, their heartbeats and what each holds. */
  cluster(): Promise<ClusterView> {
    return clusterView(this.ctx);
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

  apply(yamlText: string, file: string, actor: string, parsed?: ConfigResult) {
    return applyService(this.ctx, yamlText, file, actor, parsed);
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

  private async beat(): Promise<void> {
    try {
      await heartbeat(this.ctx);
    } catch (err) {
      this.ctx.log.error({ err }, "instance heartbeat failed; it runs again shortly");
    }
  }

  private async sweep(): Promise<void> {
    try {
      await sweepOrphanReplicas(this.ctx);
    } catch (err) {
      this.ctx.log.error({ err }, "orphan sweep failed; it runs again later");
    }
  }
}
