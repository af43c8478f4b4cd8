import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { AppState } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';

type Parked = AppState['parked'][number];

/** Sessions parked by "Switch user" on this PC: each can be resumed with its password. */
export function ParkedSessions({ parked, onResumed }: { parked: Parked[]; onResumed(): void }) {
  const { t } = useI18n();
  const [resuming, setResuming] = useState<Parked | null>(null);
  return (
    <section className="parked" aria-labelledby="parked-title">
      <h2 id="parked-title">{t('parked.title')}</h2>
      {/* One session per person on a PC: a new sign-in replaces the parked one
          (electron/core/auth/session.service.ts). */}
      <p className="muted">{t('parked.hint')}</p>
      <ul className="plain-list">
        {parked.map((p) => (
          <li key={p.sessionId} className="parked-item">
            <span>
              <strong>{p.displayName}</strong> <span className="muted">({p.username})</span>
            </span>
            <button
              type="button"
              className="button secondary"
              aria-label={t('parked.resume_for', { name: p.displayName })}
              onClick={() => setResuming(p)}
            >
              {t('parked.resume')}
            </button>
          </li>
        ))}
      </ul>
      {resuming ? (
        <ResumeDialog
          session={resuming}
          onClose={() => setResuming(null)}
          onResumed={() => {
            setResuming(null);
            onResumed();
          }}
        />
      ) : null}
    </section>
  );
}

function ResumeDialog(props: { session: Parked; onClose(): void; onResumed(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const result = await api.session.resume({ sessionId: props.session.sessionId, password });
      setPassword('');
      if (result.ok) return props.onResumed();
      return result.error;
    });
  };

  return (
    <Dialog
      title={t('parked.dialog_title', { name: props.session.displayName })}
      onClose={props.onClose}
    >
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <ErrorAlert error={error} />
        <Field
          label={t('signin.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoFocus
          required
        />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy || !password}>
            {t('parked.resume')}
          </button>
          <button type="button" className="button secondary" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
