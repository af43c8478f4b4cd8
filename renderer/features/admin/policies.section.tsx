import { useCallback, useEffect, useState } from 'react';
import type { ServerPolicyDto } from '../../../common/ipc/admin.schemas';
import {
  PROFILE_IDS,
  ROLES,
  type PolicyDocument,
  type ProfileId,
} from '../../../common/policy/policy';
import { useApi } from '../../api/api-context';
import { SelectField } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import { PROFILE_NAME } from '../../components/profile-choice';
import { ROLE_LABEL } from '../../components/role-label';
import type { Run } from './admin-run';

type Roles = PolicyDocument['roles'];

/**
 * The franchise's policy: a profile per role, published as a new signed version that every
 * store PC pulls. Publishing is based on the version shown: if someone published meanwhile,
 * the server refuses and the admin reloads and decides again.
 */
export function PoliciesSection({ run }: { run: Run }) {
  const api = useApi();
  const { t, dateTime } = useI18n();
  const [policy, setPolicy] = useState<ServerPolicyDto | null>(null);
  const [roles, setRoles] = useState<Roles | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();
  const { busy, error, fail } = action;

  const load = useCallback(async () => {
    const r = await run(api.admin.policy({}));
    if (!r.ok) return fail(r.error);
    setPolicy(r.data);
    setRoles(r.data.current.document.roles);
  }, [api, run, fail]);
  useEffect(() => void load(), [load]);

  const choose = (role: keyof Roles, profile: ProfileId) =>
    setRoles((current) =>
      current ? { ...current, [role]: { ...current[role], profile } } : current,
    );

  const publish = async () => {
    if (!policy || !roles) return;
    setStatus(null);
    await action.run(async () => {
      const basedOnVersion = policy.current.version;
      const r = await run(api.admin.publishPolicy({ basedOnVersion, roles }));
      if (!r.ok) return r.error;
      setStatus(
        r.data.unchanged
          ? t('admin.policies.unchanged')
          : t('admin.policies.published', { version: r.data.policy.version }),
      );
      void load();
    });
  };

  const conflict = error?.code === 'policy_conflict';
  return (
    <section className="panel" aria-labelledby="admin-policies">
      <h2 id="admin-policies">{t('admin.section.policies')}</h2>
      {policy ? (
        <p className="hint">
          {t('admin.policies.version', {
            version: policy.current.version,
            time: dateTime(policy.current.issuedAt),
          })}
        </p>
      ) : null}
      <StatusMessage text={status} />
      <ErrorAlert error={error} />
      {conflict ? (
        <button type="button" className="button secondary" onClick={() => void load()}>
          {t('admin.policies.reload')}
        </button>
      ) : null}
      {!roles ? (
        <p className="hint">{t('common.loading')}</p>
      ) : (
        <form
          className="stack"
          aria-label={t('admin.section.policies')}
          onSubmit={(e) => {
            e.preventDefault();
            void publish();
          }}
        >
          {ROLES.map((role) => (
            <SelectField
              key={role}
              label={t('admin.policies.profile_for', { role: t(ROLE_LABEL[role]) })}
              value={roles[role].profile}
              onChange={(e) => choose(role, e.target.value as ProfileId)}
            >
              {PROFILE_IDS.map((p) => (
                <option key={p} value={p}>
                  {t(PROFILE_NAME[p])}
                </option>
              ))}
            </SelectField>
          ))}
          {ROLES.some((r) => roles[r].profile === 'classic') ? (
            <p className="warning">{t('profile.classic_warning')}</p>
          ) : null}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy}>
              {t('admin.policies.publish')}
            </button>
          </div>
        </form>
      )}
      {policy && policy.history.length > 0 ? (
        <>
          <h3>{t('admin.policies.history')}</h3>
          <ul className="plain-list">
            {policy.history.slice(0, 10).map((h) => (
              <li key={h.version}>
                {t('admin.policies.history_item', {
                  version: h.version,
                  time: dateTime(h.issuedAt),
                  name: h.createdBy?.name ?? '—',
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
