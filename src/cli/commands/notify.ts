import type { Command } from "commander";
import type { NotificationView } from "../../notify/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { ago, printJson, printTable } from "../output.js";

const rowOf = (n: NotificationView) => ({
  id: n.id,
  event: n.event,
  destination: n.destination,
  state: n.state,
  attempts: String(n.attempts),
  created: ago(n.createdAt),
  error: (n.lastError ?? "").slice(0, 80),
});

/** `slipway notify list|failed|retry`: the notification outbox and its dead-letter list. */
export function registerNotifyCommands(program: Command, ctx: CliContext): void {
  const notify = program.command("notify").description("notifications: what was sent, the dead-letter list, retry");

  notify
    .command("list")
    .description("recent notifications, newest first")
    .option("--state <state>", "only pending, delivered or dead")
    .option("--limit <n>", "at most this many", "50")
    .option("--json", "print JSON")
    .action(async (opts: { state?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams({ limit: opts.limit, ...(opts.state ? { state: opts.state } : {}) });
      const { notifications } = await apiRequest<{ notifications: NotificationView[] }>(ctx.target(), "GET", `/notifications?${query}`);
      if (opts.json) return printJson(notifications, ctx.out);
      printTable(notifications.map(rowOf), ["id", "event", "destination", "state", "attempts", "created", "error"], ctx.out);
    });

  notify
    .command("failed")
    .description("the dead-letter list: notifications that ran out of attempts or that their receiver refused")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { notifications } = await apiRequest<{ notifications: NotificationView[] }>(ctx.target(), "GET", "/notifications/failed");
      if (opts.json) return printJson(notifications, ctx.out);
      if (notifications.length === 0) return void ctx.out.write("no failed notifications\n");
      printTable(notifications.map(rowOf), ["id", "event", "destination", "state", "attempts", "created", "error"], ctx.out);
      ctx.out.write(`send one again with: slipway notify retry ID\n`);
    });

  notify
    .command("retry")
    .description("send a dead notification again (fresh attempts, due now)")
    .argument("<id>", "the notification's id (from `slipway notify failed`)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const { notification } = await apiRequest<{ notification: NotificationView }>(ctx.target(), "POST", `/notifications/${encodeURIComponent(id)}/retry`, {});
      if (opts.json) return printJson(notification, ctx.out);
      ctx.out.write(`queued ${notification.id} (${notification.event} → ${notification.destination}) to be sent again\n`);
    });
}
