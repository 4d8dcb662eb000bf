/** Shared pieces: data loading with its states, badges, times, page headers. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError } from "./api";

export interface Loaded<T> {
  data: T | undefined;
  /** The key the data was loaded for (it lags `key` while the next answer is on its way). */
  dataKey: string | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `key` changes; a slower earlier answer never overwrites a newer one. */
export function useApi<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; dataKey?: string; error?: ApiError; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => ticket === latest.current && setState({ data, dataKey: key, loading: false }),
      (err: unknown) => ticket === latest.current && setState({ error: toApiError(err), dataKey: key, loading: false }),
    );
  }, [key, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, dataKey: state.dataKey, error: state.error, loading: state.loading || state.dataKey !== key, reload };
}

export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, "client", err instanceof Error ? err.message : String(err));
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="callout error" role="alert">
      <strong>{error.message}</strong>
      {error.hint && <p className="hint">{error.hint}</p>}
      {onRetry && (
        <button type="button" className="btn small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <strong>{title}</strong>
      {children && <div className="hint">{children}</div>}
    </div>
  );
}

/** Renders the three states of a load, then `children(data)`. */
export function Async<T>({ result, what, children }: { result: Loaded<T>; what: string; children: (data: T) => ReactNode }) {
  if (result.error) return <ErrorBox error={result.error} onRetry={result.reload} />;
  if (result.data === undefined) return <Loading what={what} />;
  return <>{children(result.data)}</>;
}

const STATE_TONE: Record<string, string> = {
  succeeded: "ok",
  healthy: "ok",
  pass: "ok",
  running: "info",
  verifying: "info",
  queued: "muted",
  awaiting_approval: "warn",
  held: "warn",
  wait: "warn",
  inconclusive: "muted",
  rolling_back: "bad",
  rolled_back: "bad",
  rollback_failed: "bad",
  failed: "bad",
  fail: "bad",
  refuse: "bad",
  cancelled: "muted",
  rejected: "bad",
  // DORA performance tiers; "no data" and "too few deployments" stay grey.
  elite: "ok",
  high: "ok",
  medium: "warn",
  low: "bad",
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge ${STATE_TONE[value] ?? "muted"}`}>{label ?? value.replace(/_/g, " ")}</span>;
}

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return "—";
  const s = Math.round((now - ms) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

export function Time({ at }: { at: number | null | undefined }) {
  if (at === null || at === undefined) return <span>—</span>;
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} title={iso.replace("T", " ").replace(/\.\d+Z$/, " UTC")}>
      {ago(at)}
    </time>
  );
}

/** A duration as people say it: 40 s, 25 min, 4.5 h, 30 h, 11 d 8 h. */
export function humanDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = s / 3600;
  if (h < 10) return `${Number(h.toFixed(1))} h`;
  if (h < 48) return `${Math.round(h)} h`;
  const hours = Math.round(h);
  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours / 24} d`;
}

/** A ratio (0..1) as a percentage with one decimal. */
export const percent = (r: number): string => `${(r * 100).toFixed(1)} %`;

export const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);

export function PageHeader({ title, sub, actions }: { title: string; sub?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {sub && <p className="sub">{sub}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}

export const shortDigest = (d: string | null | undefined): string => (d ? d.replace(/^sha256:/, "").slice(0, 12) : "—");
