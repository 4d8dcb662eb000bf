/** The shell: login, who am I, navigation, and the page for the URL. */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { api, ApiError, onUnauthorized } from "./api";
import { LoginPage } from "./pages/login";
import { MatrixPage } from "./pages/matrix";
import { Link, match, useLocation } from "./router";
import { clearToken, getToken, type Me } from "./session";
import { ErrorBox, Loading, toApiError } from "./ui";

import { ApprovalsPage } from "./pages/approvals";
import { AuditPage } from "./pages/audit";
import { ChangesPage } from "./pages/changes";
import { DeliveryPage } from "./pages/delivery";
import { DeploymentPage } from "./pages/deployment";
import { ServicePage } from "./pages/service";
import { TriagePage } from "./pages/triage";
import { WhyPage } from "./pages/why";

// Pages are small and load with the shell (React 19 holds a lazy page back ~300 ms after its
// chunk arrives); only the charting library, the heavy part, is loaded when a chart is shown.

const MeContext = createContext<Me | null>(null);
export const useMe = (): Me | null => useContext(MeContext);

const NAV: { to: string; label: string }[] = [
  { to: "/", label: "Environments" },
  { to: "/approvals", label: "Approvals" },
  { to: "/why", label: "Why can't I deploy?" },
  { to: "/changes", label: "Changes" },
  { to: "/delivery", label: "Delivery" },
  { to: "/audit", label: "Audit log" },
  { to: "/triage", label: "Pipeline failures" },
];

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);
  useEffect(() => {
    const off = onUnauthorized(() => setMe(null));
    return () => void off();
  }, []);
  useEffect(() => {
    if (!getToken()) return;
    api<Me>("GET", "/whoami").then(
      (m) => (setMe(m), setChecking(false)),
      (err: unknown) => {
        const e = toApiError(err);
        if (e.status === 401) clearToken();
        else setError(e);
        setChecking(false);
      },
    );
  }, []);
  if (checking) return <Loading what="your session" />;
  if (error) return <main className="center"><ErrorBox error={error} onRetry={() => location.reload()} /></main>;
  if (!me) return <LoginPage onLogin={setMe} />;
  return (
    <MeContext.Provider value={me}>
      <Shell me={me} onLogout={() => (clearToken(), setMe(null))}>
        <Pages />
      </Shell>
    </MeContext.Provider>
  );
}

function Shell({ me, onLogout, children }: { me: Me; onLogout: () => void; children: ReactNode }) {
  const { path } = useLocation();
  const current = (to: string) => (to === "/" ? path === "/" || path.startsWith("/services") : path.startsWith(to));
  return (
    <div className="layout">
      <a className="skip" href="#main">Skip to content</a>
      <nav className="sidebar" aria-label="Main">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true" /> Slipway
        </Link>
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <Link to={n.to} aria-current={current(n.to) ? "page" : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="whoami">
          <div className="who">{me.name}</div>
          <div className="role">
            {me.role}
            {me.scope.service || me.scope.environment ? ` · ${[me.scope.service, me.scope.environment].filter(Boolean).join("/")}` : ""}
          </div>
          <button type="button" className="btn ghost small" onClick={onLogout}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function Pages() {
  const { path } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [path]);
  let page: ReactNode;
  let m: Record<string, string> | null;
  if (path === "/") page = <MatrixPage />;
  else if ((m = match("/services/:name", path))) page = <ServicePage name={m.name!} />;
  else if ((m = match("/deployments/:id", path))) page = <DeploymentPage id={m.id!} />;
  else if (path === "/approvals") page = <ApprovalsPage />;
  else if (path === "/why") page = <WhyPage />;
  else if (path === "/changes") page = <ChangesPage />;
  else if (path === "/delivery") page = <DeliveryPage />;
  else if (path === "/audit") page = <AuditPage />;
  else if (path === "/triage") page = <TriagePage />;
  else page = <ErrorBox error={new ApiError(404, "not_found", `no page at ${path}`, "use the navigation on the left")} />;
  return page;
}
