/** "Why can't I deploy?": every gate for a service, version and environment, with its facts and remedy (the dry-run API). */
import { useState, type FormEvent } from "react";
import { api, qs } from "../api";
import { dryRun, GateList } from "../gates";
import { setQuery, useLocation } from "../router";
import { Async, Empty, PageHeader, useApi } from "../ui";

export function WhyPage() {
  const { query } = useLocation();
  const service = query.get("service") ?? "";
  const environment = query.get("environment") ?? "";
  const version = query.get("version") ?? "";
  const [form, setForm] = useState({ service, environment, version });
  const ready = service !== "" && environment !== "" && version !== "";
  const key = qs({ service, environment, version });
  const result = useApi(() => (ready ? dryRun(service, environment, version) : Promise.resolve(null)), key);
  const services = useApi(() => api<{ services: { name: string }[] }>("GET", "/services"), "services");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery(form);
  };
  return (
    <>
      <PageHeader title="Why can't I deploy?" sub="Evaluates every gate of an environment for a version, without starting anything." />
      <form className="filters card" onSubmit={submit}>
        <label className="field">
          <span>Service</span>
          <input list="service-names" value={form.service} onChange={(e) => setForm({ ...form, service: e.target.value })} required />
          <datalist id="service-names">{services.data?.services.slice(0, 500).map((s) => <option key={s.name} value={s.name} />)}</datalist>
        </label>
        <label className="field">
          <span>Version</span>
          <input value={form.version} onChange={(e) => setForm({ ...form, version: e.target.value })} required />
        </label>
        <label className="field">
          <span>Environment</span>
          <input value={form.environment} onChange={(e) => setForm({ ...form, environment: e.target.value })} required />
        </label>
        <button type="submit" className="btn primary">
          Check the gates
        </button>
      </form>
      {!ready ? (
        <Empty title="Pick a service, a version and an environment">The answer lists each gate the environment configures, what it saw, and what would satisfy it.</Empty>
      ) : (
        <Async result={result} what="the gate dry-run">
          {(report) =>
            report && (
              <section className="card">
                <h2>
                  {report.service} {report.version} → {report.environment}
                </h2>
                <GateList report={report} />
              </section>
            )
          }
        </Async>
      )}
    </>
  );
}
