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
