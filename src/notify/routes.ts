import type { NotificationsConfig, NotifyDestination } from "../core/index.js";
import type { NotifyTrigger } from "./events.js";

/** A set of routes and the destinations they name: a service's slipway.yaml, or the server-wide file. */
export interface RouteSource {
  /** Prefixes destination ids: `service/checkout` or `server`. */
  scope: string;
  config: NotificationsConfig;
}

export interface RoutedDestination {
  /** Unique per source and name, e.g. `service/checkout:team-slack`; part of the outbox row's unique key. */
  id: string;
  destination: NotifyDestination;
}

/** The destinations whose routes take `trigger`, each once however many routes name it. */
export function destinationsFor(sources: readonly RouteSource[], trigger: NotifyTrigger): RoutedDestination[] {
  const out = new Map<string, RoutedDestination>();
  for (const { scope, config } of sources) {
    for (const route of config.routes) {
      if (!route.events.includes(trigger.name)) continue;
      if (route.services && !(trigger.service !== null && route.services.includes(trigger.service))) continue;
      if (route.environments && !(trigger.environment !== null && route.environments.includes(trigger.environment))) continue;
      for (const name of route.to) {
        const destination = config.destinations[name];
        if (destination) out.set(`${scope}:${name}`, { id: `${scope}:${name}`, destination });
      }
    }
  }
  return [...out.values()];
}
