import { useState, type FormEvent } from 'react';
import { useSession } from '../auth/session';
import { ErrorBanner } from '../components/status';

/** The console has no passwords: people paste the API token `fieldmesh tokens create` printed for them. */
export function LoginPage() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="panel" onSubmit={(event) => void submit(event)}>
        <div className="brand" style={{ marginBottom: 14 }}>
          <span className="brand-mark" />
          Fieldmesh console
        </div>
        <h1>Sign in with an API token</h1>
        <p className="muted">
          Paste the token printed by <code>fieldmesh tokens create</code>. It is kept in this tab only and sent as a bearer token.
        </p>
        {error && <ErrorBanner error={error} />}
        <label className="field">
          Token
          <input data-testid="login-token" type="password" autoComplete="off" placeholder="fmt_…" value={token} onChange={(event) => setToken(event.target.value)} autoFocus />
        </label>
        <button className="primary" data-testid="login-submit" type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
