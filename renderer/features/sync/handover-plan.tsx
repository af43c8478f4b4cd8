import type { ConnectPreviewDto } from '../../../common/ipc/sync.schemas';
import type { HandoverOutcome } from '../../../common/sync/handover';
import { Field } from '../../components/field';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';

type Entry = ConnectPreviewDto['plan'][number];

const GROUPS: { outcome: HandoverOutcome; title: MessageKey }[] = [
  { outcome: 'handed_over', title: 'sync.plan_handed_over' },
  { outcome: 'kept', title: 'sync.plan_kept' },
  { outcome: 'not_handed_over', title: 'sync.plan_not_handed_over' },
];

/**
 * What connecting a standalone PC does to each of its people (common/sync/handover.ts), in
 * words, before anything changes: handed over to the server's store, kept (the server's
 * account wins), or not handed over (to be assigned on the server), each with its reason.
 */
interface Props {
  preview: ConnectPreviewDto;
  /** The username of who connects. */
  me: string | null;
  /** Addresses typed for people without one (account id → address). */
  emails: Readonly<Record<string, string>>;
  onEmail(accountId: string, email: string): void;
}

export function HandoverPlan({ preview, me, emails, onEmail }: Props) {
  const { t } = useI18n();
  const store = preview.storeName;
  return (
    <div className="stack" data-testid="handover-plan">
      <h4 id="handover-plan-title">{t('sync.plan_title', { store })}</h4>
      <p className="hint">{t('sync.plan_lead', { server: preview.serverUrl })}</p>
      {GROUPS.map(({ outcome, title }) => {
        const entries = preview.plan.filter((e) => e.outcome === outcome);
        return (
          <section
            key={outcome}
            aria-labelledby={`plan-${outcome}`}
            data-testid={`plan-${outcome}`}
          >
            <h5 id={`plan-${outcome}`}>{t(title, { count: entries.length })}</h5>
            {entries.length === 0 ? (
              <p className="hint">{t('sync.plan_nobody')}</p>
            ) : (
              <ul className="plan-list">
                {entries.map((e) => (
                  <PlanRow
                    key={e.id}
                    entry={e}
                    you={e.username === me}
                    email={emails[e.id]}
                    onEmail={onEmail}
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <section aria-labelledby="plan-server-people" data-testid="plan-server-people">
        <h5 id="plan-server-people">
          {t('sync.plan_server_people', { store, count: preview.serverPeople.length })}
        </h5>
        {preview.serverPeople.length === 0 ? (
          <p className="hint">{t('sync.plan_server_nobody')}</p>
        ) : (
          <ul className="plan-list">
            {preview.serverPeople.map((p) => (
              <li key={p.username}>
                <strong>{p.displayName}</strong> ({p.username}) · {t(`role.${p.role}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {preview.keepsAWayIn ? null : (
        <p className="alert alert-error" role="alert" data-testid="plan-no-way-in">
          {t('sync.plan_no_way_in')}
        </p>
      )}
    </div>
  );
}

function PlanRow({
  entry,
  you,
  email,
  onEmail,
}: {
  entry: Entry;
  you: boolean;
  /** What was typed for them, if anything. */
  email: string | undefined;
  onEmail(accountId: string, email: string): void;
}) {
  const { t } = useI18n();
  // Someone without an address can be handed over with one typed here (checked again first).
  const asks = entry.reason === 'no_email' || email !== undefined;
  const role =
    entry.outcome === 'handed_over' && entry.serverRole !== entry.role
      ? t('sync.plan_role_change', {
          from: t(`role.${entry.role}`),
          to: t(`role.${entry.serverRole}`),
        })
      : t(`role.${entry.role}`);
  return (
    <li>
      <strong>{entry.displayName}</strong> ({entry.username}) · {role}
      {you ? ` · ${t('sync.plan_you')}` : ''}
      <br />
      <span className="hint">{t(`sync.reason_${entry.reason}`)}</span>
      {asks ? (
        <Field
          label={t('sync.plan_email_for', { name: entry.displayName })}
          type="email"
          autoComplete="off"
          spellCheck={false}
          value={email ?? ''}
          onChange={(e) => onEmail(entry.id, e.target.value)}
        />
      ) : null}
    </li>
  );
}
