/** Shapes of the API's answers the pages read (the server's types, as JSON). */
export interface Deployment {
  id: string;
  service: string;
  environment: string;
  kind: "deploy" | "rollback";
  version: string;
  digest: string;
  state: string;
  strategy: string;
  actor: string;
  reason: string | null;
  previousVersion: string | null;
  error: string | null;
  errorHint: string | null;
  cancelRequested: boolean;
  override: { by: string; reason: string } | null;
  waitingFor: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface Step {
  idx: number;
  params: { kind: string } & Record<string, unknown>;
  state: string;
  result: unknown;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface DecisionNumbers {
  requests: number;
  value: number | null;
  limit: number | null;
  baselineRequests?: number;
  baselineValue?: number | null;
  minRequests?: number;
}

export interface Decision {
  at: number;
  stepIdx: number;
  check: string;
  verdict: string;
  reason: string;
  numbers: DecisionNumbers;
}

export interface TimelineEvent {
  seq: number;
  at: number;
  actor: string;
  action: string;
  payload: unknown;
}

export interface DeploymentDetail {
  deployment: Deployment;
  steps: Step[];
  decisions: Decision[];
  timeline: TimelineEvent[];
}

export interface Artifact {
  id: string;
  version: string;
  digest: string;
  commit: string | null;
  author: string | null;
  sizeBytes: number;
  createdAt: number;
}

export interface EnvironmentConfig {
  requires?: { promoted_from?: string; soak?: string; approvals?: { count: number; from?: string[]; not_by?: string[] } };
  strategy?: { type: string };
}

export interface ServiceConfig {
  service: string;
  owner: string;
  environments: Record<string, EnvironmentConfig>;
}

export interface EnvironmentStatus {
  service: string;
  environment: string;
  version: string | null;
  since: number | null;
  weights: { version: string; weight: number }[];
  replicas: { running: number; notRunning: number };
  health: string;
  inFlight: { id: string; version: string; state: string } | null;
  lastDeployment: { id: string; version: string; state: string; at: number } | null;
}

/** Delivery metrics (src/insights): the DORA keys with tiers, the KPIs, the weekly series. */
export type TierAnswer = "elite" | "high" | "medium" | "low" | "no data" | "too few deployments" | "no tier for this year";

export interface Distribution {
  medianMs: number;
  p90Ms: number;
  count: number;
}

export interface DoraKeyAnswer<V> {
  value: V | null;
  tier: TierAnswer;
  band: string | null;
  definition: string;
}

export interface MetricsWindow {
  since: number;
  until: number;
  days: number;
}

export interface DoraReport {
  scope: { service: string | null; environment: string | null };
  window: MetricsWindow;
  reportYear: number;
  deployments: number;
  note: string | null;
  keys: {
    deploymentFrequency: DoraKeyAnswer<{ perDay: number; perWeek: number; perMonth: number; successful: number }>;
    leadTime: DoraKeyAnswer<Distribution>;
    changeFailRate: DoraKeyAnswer<{ rate: number; failed: number; deployments: number }>;
    recoveryTime: DoraKeyAnswer<Distribution & { unrecovered: number }>;
    reworkRate: DoraKeyAnswer<{ rate: number; unplanned: number; deployments: number }>;
  };
}

export interface Kpi {
  key: string;
  value: number | Distribution | null;
  unit: "ratio" | "ms";
  numerator?: number;
  denominator?: number;
  definition: string;
}

export interface DeliveryWeek {
  from: number;
  days: number;
  deployments: number;
  succeeded: number;
  failedChanges: number;
  changeFailRate: number | null;
  leadTime: Distribution | null;
}
