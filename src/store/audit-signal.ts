import { InsertQueryNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from "kysely";
import type pg from "pg";

/**
 * Says "audit events were appended" to whoever follows the log (the API's event streams), so
 * they read the new events at once instead of polling. On SQLite the control plane is the only
 * writer, so the signal is in-process; on PostgreSQL every instance's appends NOTIFY a channel
 * that every instance LISTENs on (delivered only when the appending transaction commits).
 */
export interface AuditSignal {
  /** Calls `watcher.appended` after appends (also after a reconnect, when some may have been missed). */
  subscribe(watcher: AuditWatcher): () => void;
  close(): Promise<void>;
}

export interface AuditWatcher {
  appended(): void;
  /** The signal's connection failed; it reconnects by itself. */
  failed?(err: Error): void;
}

/** PostgreSQL channels are per database, so each schema (control plane) gets its own: prefix + schema. */
export const AUDIT_CHANNEL_PREFIX = "slipway_audit_";

class Watchers {
  private readonly all = new Set<AuditWatcher>();
  add(watcher: AuditWatcher): () => void {
    this.all.add(watcher);
    return () => this.all.delete(watcher);
  }
  get size(): number {
    return this.all.size;
  }
  appended(): void {
    for (const w of this.all) w.appended();
  }
  failed(err: Error): void {
    for (const w of this.all) w.failed?.(err);
  }
}

/**
 * SQLite: a Kysely plugin sees every insert into audit_events and signals after it. A reader
 * that reacts waits for the single connection, i.e. until the appending transaction ended, so
 * it never reads ahead of a commit.
 */
export class InProcessAuditSignal implements AuditSignal, KyselyPlugin {
  private readonly watchers = new Watchers();
  private readonly auditInserts = new WeakSet<object>();
  private scheduled = false;

  subscribe(watcher: AuditWatcher): () => void {
    return this.watchers.add(watcher);
  }

  async close(): Promise<void> {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (InsertQueryNode.is(node) && node.into?.table.identifier.name === "audit_events") this.auditInserts.add(args.queryId);
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.auditInserts.has(args.queryId) && !this.scheduled && this.watchers.size > 0) {
      // Many appends in one transaction make one signal.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.watchers.appended();
      });
    }
    return args.result;
  }
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** PostgreSQL: one LISTEN connection per control plane, opened on the first subscription, reconnected when lost. */
export class PostgresAuditSignal implements AuditSignal {
  private readonly watchers = new Watchers();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly newClient: () => pg.Client) {}

  subscribe(watcher: AuditWatcher): () => void {
    const unsubscribe = this.watchers.add(watcher);
    if (!this.client && !this.connecting && !this.retryTimer) void this.connect();
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting = this.listen().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const client = this.newClient();
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, new Error("the LISTEN connection to PostgreSQL closed")));
    client.on("notification", () => this.watchers.appended());
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>("select current_schema() as schema");
      await client.query(`listen "${AUDIT_CHANNEL_PREFIX}${rows[0]!.schema}"`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    // Appends made while no connection listened would otherwise go unnoticed.
    this.watchers.appended();
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client === client) this.client = undefined;
    client.removeAllListeners("end");
    void client.end().catch(() => undefined);
    if (this.closed || this.retryTimer) return;
    this.watchers.failed(err);
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) void this.connect();
    }, delay);
  }
}
