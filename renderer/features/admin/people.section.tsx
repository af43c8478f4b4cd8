import { useCallback, useEffect, useState } from 'react';
import type { ServerPersonDto, ServerStoreDto } from '../../../common/ipc/admin.schemas';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { Field } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { TableWrap } from '../../components/table-wrap';
import { useI18n } from '../../i18n/i18n-context';
import { ROLE_LABEL } from '../../components/role-label';
import type { Run } from './admin-run';
import { PersonCreateDialog, PersonManageDialog } from './person.dialogs';

const STATUS_LABEL = {
  pending: 'admin.people.pending',
  active: 'admin.people.active',
  disabled: 'admin.people.disabled',
} as const;

/** People across every store: search, create with role and stores, manage each one. */
export function PeopleSection({ run }: { run: Run }) {
  const api = useApi();
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<ServerPersonDto[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [stores, setStores] = useState<ServerStoreDto[]>([]);
  const [dialog, setDialog] = useState<'create' | ServerPersonDto | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (term: string, cursor?: string) => {
      const r = await run(
        api.admin.listPeople({ ...(term ? { q: term } : {}), ...(cursor ? { cursor } : {}) }),
      );
      if (!r.ok) return setError(r.error);
      setPeople((old) => (cursor && old ? [...old, ...r.data.users] : r.data.users));
      setNext(r.data.nextCursor);
    },
    [api, run],
  );
  useEffect(() => {
    const timer = setTimeout(() => void load(q.trim()), q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [q, load]);
  useEffect(() => {
    void run(api.admin.listStores({})).then((r) => r.ok && setStores(r.data.stores));
  }, [api, run]);

  const changed = (person: ServerPersonDto, text: string) => {
    setStatus(text);
    // Answers that change a person do not say whether they are locked out: keep what the list said.
    const merge = (p: ServerPersonDto) => ({ ...person, locked: person.locked ?? p.locked });
    setPeople((old) => old?.map((p) => (p.id === person.id ? merge(p) : p)) ?? null);
    if (dialog !== 'create' && dialog?.id === person.id) setDialog(merge(dialog));
  };

  return (
    <section className="panel" aria-labelledby="admin-people">
      <div className="toolbar-row">
        <h2 id="admin-people">{t('admin.section.people')}</h2>
        <button type="button" className="button primary" onClick={() => setDialog('create')}>
          {t('admin.people.create')}
        </button>
      </div>
      <div className="toolbar" role="search">
        <Field
          label={t('admin.people.search')}
          type="search"
          value={q}
          maxLength={100}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <StatusMessage text={status} />
      <ErrorAlert error={error} />
      {people === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : people.length === 0 ? (
        <p>{t('admin.people.none')}</p>
      ) : (
        <TableWrap label={t('admin.section.people')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('admin.people.name')}</th>
                <th scope="col">{t('admin.people.role')}</th>
                <th scope="col">{t('admin.people.stores')}</th>
                <th scope="col">{t('admin.people.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('staff.col_actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} data-testid={`person-row-${p.username}`}>
                  <th scope="row">
                    <span className="name">{p.displayName}</span>
                    <span className="muted small">
                      {p.username} · {p.email}
                    </span>
                  </th>
                  <td>{t(ROLE_LABEL[p.role])}</td>
                  <td>{p.stores.map((s) => s.name).join(', ') || '—'}</td>
                  <td>
                    <span
                      className={`badge ${p.status === 'active' ? 'badge-ok' : p.status === 'disabled' ? 'badge-off' : 'badge-warn'}`}
                    >
                      {t(STATUS_LABEL[p.status])}
                    </span>
                    {p.locked ? (
                      <span className="badge badge-warn" data-testid={`locked-${p.username}`}>
                        {t('staff.locked')}
                      </span>
                    ) : null}
                  </td>
                  <td className="actions-cell">
                    <button
                      type="button"
                      className="button secondary"
                      aria-label={t('staff.manage_for', { name: p.displayName })}
                      onClick={() => setDialog(p)}
                    >
                      {t('staff.manage')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {next ? (
        <button
          type="button"
          className="button secondary"
          onClick={() => void load(q.trim(), next)}
        >
          {t('admin.people.more')}
        </button>
      ) : null}
      {dialog === 'create' ? (
        <PersonCreateDialog
          run={run}
          stores={stores}
          onClose={() => setDialog(null)}
          onCreated={(person) => {
            setDialog(null);
            setStatus(t('admin.people.created', { name: person.displayName }));
            void load(q.trim());
          }}
        />
      ) : dialog ? (
        <PersonManageDialog
          run={run}
          person={dialog}
          stores={stores}
          onClose={() => setDialog(null)}
          onChanged={changed}
          onDone={setStatus}
          onErased={(person, text) => {
            setDialog(null);
            setStatus(text);
            setPeople((old) => old?.filter((p) => p.id !== person.id) ?? null);
          }}
        />
      ) : null}
    </section>
  );
}
