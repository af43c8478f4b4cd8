import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  PROFILE_IDS,
  ROLES,
  resolvePolicy,
  type PolicyDocument,
  type Role,
} from '../../../common/policy/policy';
import { can } from '../../../common/rbac/permissions';
import { useApi } from '../../api/api-context';
import { isSessionError, type ApiError, type PolicyView } from '../../api/types';
import { Checkbox, Field, SelectField } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { strengthLabel } from '../../components/strength-label';
import { TableWrap } from '../../components/table-wrap';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { ScreenProps } from '../shell/shell.types';
import { ClassicWarning, PROFILE_NAME } from '../../components/profile-choice';
import { draftFor, draftIsWhole, entryFrom, type RoleDraft } from './policy-draft';
import { ROLE_LABEL } from '../../components/role-label';

/** The password and sign-in policy per role; admins edit it while the PC is standalone. */
export function PolicySection({ session, onSessionError }: ScreenProps) {
  const api = useApi();
  const { t } = useI18n();
  const [view, setView] = useState<PolicyView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const readable = can(session.role, 'policy.read');

  const load = useCallback(() => {
    void api.settings.policy({}).then((r) => {
      if (r.ok) setView(r.data);
      else if (isSessionError(r.error)) onSessionError();
      else setError(r.error);
    });
  }, [api, onSessionError]);
  useEffect(() => {
    if (readable) load();
  }, [readable, load]);

  if (!readable) return null;
  return (
    <section className="panel" aria-labelledby="settings-policy">
      <h2 id="settings-policy">{t('policy.title')}</h2>
      <ErrorAlert error={error} />
      {view ? (
        <>
          <PolicySummary doc={view.document} connected={!view.editable} />
          {view.editable && can(session.role, 'policy.edit') ? (
            <PolicyEditor doc={view.document} onSaved={setView} onSessionError={onSessionError} />
          ) : (
            <p className="hint">{view.editable ? t('policy.admins_only') : t('policy.managed')}</p>
          )}
        </>
      ) : (
        <p className="hint">{t('common.loading')}</p>
      )}
    </section>
  );
}

/** `connected`: the offline bounds apply (a PC synced with a server; a standalone PC has none). */
function PolicySummary({ doc, connected }: { doc: PolicyDocument; connected: boolean }) {
  const { t } = useI18n();
  const yes = t('common.yes');
  const no = t('common.no');
  const rows = ROLES.map((role) => ({ role, p: resolvePolicy(doc, role) }));
  const line = (label: string, value: (p: (typeof rows)[number]['p']) => string) => (
    <tr>
      <th scope="row">{label}</th>
      {rows.map(({ role, p }) => (
        <td key={role}>{value(p)}</td>
      ))}
    </tr>
  );
  return (
    <TableWrap label={t('policy.title')}>
      <table className="table policy-table">
        <caption>{t('policy.version', { version: doc.version })}</caption>
        <thead>
          <tr>
            <td />
            {rows.map(({ role }) => (
              <th key={role} scope="col">
                {t(ROLE_LABEL[role])}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {line(t('policy.profile'), (p) => t(PROFILE_NAME[p.profile]))}
          {line(t('policy.min_length'), (p) => String(p.password.minLength))}
          {line(
            t('policy.composition'),
            (p) =>
              [
                p.password.requireLetter && t('policy.letter'),
                p.password.requireDigit && t('policy.digit'),
                p.password.requireUpper && t('policy.upper'),
                p.password.requireLower && t('policy.lower'),
              ]
                .filter(Boolean)
                .join(', ') || t('policy.none'),
          )}
          {line(t('policy.blocklist'), (p) => (p.password.blocklist ? yes : no))}
          {line(t('policy.min_strength'), (p) => t(strengthLabel(p.password.minStrength)))}
          {line(t('policy.expiry'), (p) =>
            p.password.expiryDays === null
              ? t('policy.never')
              : t('policy.days', { days: p.password.expiryDays }),
          )}
          {line(t('policy.threshold'), (p) => String(p.lockout.threshold))}
          {line(t('policy.duration'), (p) =>
            p.lockout.durationMinutes === null
              ? t('policy.until_unlocked')
              : t('policy.minutes', { minutes: p.lockout.durationMinutes }),
          )}
          {line(t('policy.idle'), (p) =>
            t('policy.minutes', { minutes: p.session.idleLockMinutes }),
          )}
          {line(t('policy.totp'), (p) => (p.totp.required ? yes : no))}
          {connected &&
            line(t('policy.offline_hours'), (p) =>
              t('policy.hours', { hours: p.offline.maxHoursSinceSync }),
            )}
          {connected &&
            line(t('policy.offline_sign_ins'), (p) => String(p.offline.maxSignInsSinceSync))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function PolicyEditor(props: {
  doc: PolicyDocument;
  onSaved(view: PolicyView): void;
  onSessionError(): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [role, setRole] = useState<Role>('viewer');
  const [drafts, setDrafts] = useState<Record<Role, RoleDraft>>(() => ({
    admin: draftFor(props.doc, 'admin'),
    manager: draftFor(props.doc, 'manager'),
    viewer: draftFor(props.doc, 'viewer'),
  }));
  const [status, setStatus] = useState<string | null>(null);
  const { run, busy, error, fail } = useAction({
    handled: (e) => {
      if (!isSessionError(e)) return false;
      props.onSessionError();
      return true;
    },
  });
  const d = drafts[role];
  const edit = (patch: Partial<RoleDraft>) =>
    setDrafts((all) => ({ ...all, [role]: { ...all[role], ...patch } }));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    if (!ROLES.every((r) => draftIsWhole(drafts[r])))
      return fail({ code: 'invalid_policy', message: t('error.invalid_policy') });
    const roles = {
      admin: entryFrom(props.doc, 'admin', drafts.admin),
      manager: entryFrom(props.doc, 'manager', drafts.manager),
      viewer: entryFrom(props.doc, 'viewer', drafts.viewer),
    };
    await run(async () => {
      const r = await api.settings.updatePolicy({ roles });
      if (!r.ok) return r.error;
      setStatus(t('policy.saved', { version: r.data.document.version }));
      props.onSaved(r.data);
    });
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate className="stack policy-editor">
      <h3>{t('policy.edit_title')}</h3>
      <SelectField
        label={t('policy.role_to_edit')}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(ROLE_LABEL[r])}
          </option>
        ))}
      </SelectField>
      <div className="grid-2">
        <SelectField
          label={t('policy.profile')}
          value={d.profile}
          onChange={(e) => edit({ profile: e.target.value as RoleDraft['profile'] })}
        >
          {PROFILE_IDS.map((p) => (
            <option key={p} value={p}>
              {t(PROFILE_NAME[p])}
            </option>
          ))}
        </SelectField>
        <Field
          label={t('policy.min_length')}
          type="number"
          min={8}
          max={128}
          value={d.minLength}
          onChange={(e) => edit({ minLength: e.target.value })}
        />
        <Field
          label={t('policy.threshold')}
          type="number"
          min={3}
          max={100}
          value={d.threshold}
          onChange={(e) => edit({ threshold: e.target.value })}
        />
        <Field
          label={t('policy.duration_minutes')}
          type="number"
          min={1}
          max={1440}
          value={d.duration}
          hint={t('policy.duration_hint')}
          onChange={(e) => edit({ duration: e.target.value })}
        />
        <Field
          label={t('policy.idle_minutes')}
          type="number"
          min={1}
          max={240}
          value={d.idle}
          onChange={(e) => edit({ idle: e.target.value })}
        />
        <Checkbox
          label={t('policy.totp')}
          checked={d.totpRequired}
          onChange={(e) => edit({ totpRequired: e.target.checked })}
        />
      </div>
      {d.profile === 'classic' ? <ClassicWarning /> : null}
      <ErrorAlert error={error} />
      <StatusMessage text={status} />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          {t('policy.save')}
        </button>
      </div>
    </form>
  );
}
