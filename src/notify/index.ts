/**
 * Notifications: audit events → outbox → Slack incoming webhooks and signed generic webhooks,
 * with retries, back-off and a dead-letter list (docs/notifications.md). The public face of
 * src/notify.
 */
export { Notifier, type NotifierOptions } from "./notifier.js";
export { DEFAULT_DELIVERY_SETTINGS, backoffDelay, deliverDue, type DeliverySettings } from "./deliver.js";
export { enqueueNewEvents } from "./enqueue.js";
export { triggerOf, type NotifyTrigger } from "./events.js";
export { buildMessage, type NotificationMessage, type VerdictCheck } from "./message.js";
export { destinationsFor, type RouteSource, type RoutedDestination } from "./routes.js";
export { renderSlack, type SlackBody } from "./slack.js";
export { signPayload, verifySignature, SIGNATURE_HEADER, DEFAULT_TOLERANCE_S, type SignatureCheck } from "./signature.js";
export { listNotifications, retryNotification, type NotificationView } from "./views.js";
export { loadNotificationsFile, deliverySettingsFromEnv } from "./settings.js";
