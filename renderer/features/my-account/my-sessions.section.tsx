import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import type { SessionView } from '../../api/types';
import { useI18n } from '../../i18n/i18n-context';
import type { SectionProps } from './my-account.types';

/** My sessions on this PC (this window's and any parked by "Switch user"). */
export function MySessions({ session, sessionFailed }: SectionProps) {
  const api = useApi();
  const { t, dateTime } = useI18n();
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  useEffect(() => {
    void api.me.sessions({}).then((r) => {
      if (r.ok) setSessions(r.data);
      else sessionFailed(r.error);
    });
  }, [api, sessionFailed]);
  return (
    <section className="panel" aria-labelledby="my-sessions">
      <h2 id="my-sessions">{t('account.sessions_title')}</h2>
      {sessions === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : (
        <ul className="plain-list" data-testid="my-sessions">
          {sessions.map((s) => (
            <li key={s.sessionId} className="session-item">
              <span>
                {t('account.session_started', { time: dateTime(s.startedAt) })} ·{' '}
                {s.state === 'active' ? t('account.session_active') : t('account.session_locked')}
              </span>
              {s.sessionId === session.sessionId ? (
                <span className="badge badge-ok">{t('account.session_this')}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
