import { useState, type FormEvent } from "react";
import type { ApiError } from "../api";
import { api } from "../api";
import { setToken, type Me } from "../session";
import { ErrorBox, toApiError } from "../ui";

export function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [token, setValue] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>("GET", "/whoami", undefined, token.trim());
      setToken(token.trim());
      onLogin(me);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit}>
        <div className="brand big">
          <span className="logo" aria-hidden="true" /> Slipway
        </div>
        <h1>Sign in</h1>
        <p className="sub">Paste an API token. It stays in this browser tab only and is sent to this control plane alone.</p>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellCheck={false} placeholder="slw_…" value={token} onChange={(e) => setValue(e.target.value)} required />
        {error && <ErrorBox error={error} />}
        <button type="submit" className="btn primary" disabled={busy || token.trim() === ""}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        <p className="hint">
          No token? An admin creates one with <code>slipway token create --name you --role viewer</code>; the first admin token is in <code>.slipway/admin-token</code>.
        </p>
      </form>
    </main>
  );
}
