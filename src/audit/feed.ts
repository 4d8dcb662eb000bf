import type { Store } from "../store/index.js";
import { getAuditHead, listAuditEvents, MAX_AUDIT_PAGE } from "./list.js";
import type { AuditEvent } from "./types.js";

/** Which events a follower wants. */
export interface FeedFilter {
  /** Exactly this subject, e.g. `deployment/01J…`. */
  subject?: string;
}

export type FeedListener = (event: AuditEvent) => void;

/**
 * The live audit log of one control-plane instance: when the store signals that events were
 * appended (by this instance or, on PostgreSQL, any other), the feed reads what is new once,
 * in seq order, and hands each event to the followers that want it. Followers that need what
 * came before (a reconnecting event stream's Last-Event-ID) read that from the log themselves.
 */
export class AuditFeed {
  private readonly followers = new Set<{ filter: FeedFilter; listener: FeedListener }>();
  private cursor = 0;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts following the log from its current head. */
  async start(): Promise<void> {
    this.cursor = (await getAuditHead(this.store.db)).seq;
    this.unsubscribe = this.store.auditSignal.subscribe({ appended: () => this.catchUp(), failed: this.onError });
  }

  close(): void {
    this.unsubscribe?.();
    this.followers.clear();
  }

  /** Hands every event appended from now on that matches `filter` to `listener`; returns the unfollow function. */
  follow(filter: FeedFilter, listener: FeedListener): () => void {
    const follower = { filter, listener };
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** The last seq the feed has handed out: events after it reach followers. */
  get position(): number {
    return this.cursor;
  }

  private catchUp(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readNew()
      .catch(this.onError)
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) {
          this.readAgain = false;
          this.catchUp();
        }
      });
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const events = await listAuditEvents(this.store.db, { afterSeq: this.cursor, limit: MAX_AUDIT_PAGE });
      for (const event of events) {
        this.cursor = event.seq;
        this.dispatch(event);
      }
      if (events.length < MAX_AUDIT_PAGE) return;
    }
  }

  private dispatch(event: AuditEvent): void {
    for (const { filter, listener } of this.followers) {
      if (filter.subject !== undefined && filter.subject !== event.subject) continue;
      try {
        listener(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
