import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ServerDeviceDto, ServerStoreDto } from '../../../common/ipc/admin.schemas';
import type { ResponseOf } from '../../../common/ipc/contract';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyButton } from '../../components/copy-button';
import { Dialog } from '../../components/dialog';
import { Field } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { TableWrap } from '../../components/table-wrap';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { Run } from './admin-run';

type Issued = ResponseOf<'admin.issueEnrollmentCode'>;

/** Stores: create one, issue a store PC's enrollment code, see and revoke its devices. */
export function StoresSection({ run }: { run: Run }) {
  const api = useApi();
  const { t, number } = useI18n();
  const [stores, setStores] = useState<ServerStoreDto[] | null>(null);
  const [name, setName] = useState('');
  const [brand, setBrand] = useState('');
  const [open, setOpen] = useState<ServerStoreDto | null>(null);
  const [issued, setIssued] = useState<(Issued & { storeName: string }) | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();
  const { busy, error, fail, clearError } = action;

  const load = useCallback(async () => {
    const r = await run(api.admin.listStores({}));
    if (r.ok) setStores(r.data.stores);
    else fail(r.error);
  }, [api, run, fail]);
  useEffect(() => void load(), [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    await action.run(async () => {
      const r = await run(api.admin.createStore({ name, brand }));
      if (!r.ok) return r.error;
      setStatus(t('admin.stores.created', { name: r.data.name }));
      setName('');
      setBrand('');
      void load();
    });
  };

  const issue = async (store: ServerStoreDto) => {
    clearError();
    const r = await run(api.admin.issueEnrollmentCode({ storeId: store.id }));
    if (r.ok) setIssued({ ...r.data, storeName: store.name });
    else fail(r.error);
  };

  return (
    <section className="panel" aria-labelledby="admin-stores">
      <h2 id="admin-stores">{t('admin.section.stores')}</h2>
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <Field
          label={t('admin.stores.name')}
          value={name}
          required
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label={t('admin.stores.brand')}
          hint={t('common.optional')}
          value={brand}
          maxLength={100}
          onChange={(e) => setBrand(e.target.value)}
        />
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          {t('admin.stores.create')}
        </button>
      </form>
      <StatusMessage text={status} />
      <ErrorAlert error={error} />
      {stores === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : stores.length === 0 ? (
        <p>{t('admin.stores.none')}</p>
      ) : (
        <TableWrap label={t('admin.section.stores')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('admin.stores.name')}</th>
                <th scope="col">{t('admin.stores.brand')}</th>
                <th scope="col">{t('admin.stores.devices')}</th>
                <th scope="col">{t('admin.stores.people')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('staff.col_actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stores.map((s) => (
                <tr key={s.id} data-testid={`store-row-${s.name}`}>
                  <th scope="row">{s.name}</th>
                  <td>{s.brand}</td>
                  <td>{number(s.activeDevices)}</td>
                  <td>{number(s.people)}</td>
                  <td className="actions-cell">
                    <div className="button-row">
                      <button
                        type="button"
                        className="button secondary"
                        aria-label={t('admin.stores.issue_for', { name: s.name })}
                        onClick={() => void issue(s)}
                      >
                        {t('admin.stores.issue')}
                      </button>
                      <button
                        type="button"
                        className="button secondary"
                        aria-expanded={open?.id === s.id}
                        aria-label={t('admin.stores.devices_for', { name: s.name })}
                        onClick={() => setOpen(open?.id === s.id ? null : s)}
                      >
                        {t('admin.stores.show_devices')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {open ? <DevicesPanel key={open.id} store={open} run={run} onChanged={load} /> : null}
      {issued ? <CodeDialog issued={issued} onClose={() => setIssued(null)} /> : null}
    </section>
  );
}

/** The code is shown once: copy it or type it on the store PC before it expires. */
function CodeDialog({
  issued,
  onClose,
}: {
  issued: Issued & { storeName: string };
  onClose(): void;
}) {
  const { t, dateTime } = useI18n();
  return (
    <Dialog title={t('admin.code.title', { name: issued.storeName })} onClose={onClose}>
      <div className="dialog-body stack">
        <p>{t('admin.code.lead')}</p>
        <p className="secret mono" data-testid="enrollment-code">
          {issued.code}
        </p>
        <CopyButton text={issued.code} label={t('admin.code.copy')} />
        <p className="hint">{t('admin.code.expires', { time: dateTime(issued.expiresAt) })}</p>
      </div>
      <div className="button-row end">
        <button type="button" className="button primary" onClick={onClose}>
          {t('common.done')}
        </button>
      </div>
    </Dialog>
  );
}

function DevicesPanel(props: { store: ServerStoreDto; run: Run; onChanged(): void }) {
  const { store, run, onChanged } = props;
  const api = useApi();
  const { t, dateTime, number } = useI18n();
  const [devices, setDevices] = useState<ServerDeviceDto[] | null>(null);
  const [confirm, setConfirm] = useState<ServerDeviceDto | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    const r = await run(api.admin.listDevices({ storeId: store.id }));
    if (r.ok) setDevices(r.data.devices);
    else setError(r.error);
  }, [api, run, store.id]);
  useEffect(() => void load(), [load]);

  const revoke = async (device: ServerDeviceDto) => {
    const r = await run(api.admin.revokeDevice({ deviceId: device.id }));
    setConfirm(null);
    if (!r.ok) return setError(r.error);
    setStatus(t('admin.devices.revoked', { name: device.name }));
    void load();
    onChanged();
  };

  return (
    <section className="panel" aria-labelledby="admin-devices">
      <h3 id="admin-devices">{t('admin.devices.title', { name: store.name })}</h3>
      <StatusMessage text={status} />
      <ErrorAlert error={error} />
      {devices === null ? (
        <p className="hint">{t('common.loading')}</p>
      ) : devices.length === 0 ? (
        <p>{t('admin.devices.none')}</p>
      ) : (
        <TableWrap label={t('admin.devices.title', { name: store.name })}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('admin.devices.name')}</th>
                <th scope="col">{t('admin.devices.last_sync')}</th>
                <th scope="col">{t('admin.devices.version')}</th>
                <th scope="col">{t('admin.devices.pending')}</th>
                <th scope="col">{t('admin.devices.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('staff.col_actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.name}</th>
                  <td>{d.lastSyncAt ? dateTime(d.lastSyncAt) : t('admin.never')}</td>
                  <td>{d.appVersion ?? '—'}</td>
                  <td>{number(d.pendingEvents)}</td>
                  <td>
                    <span className={`badge ${d.status === 'active' ? 'badge-ok' : 'badge-off'}`}>
                      {t(
                        d.status === 'active'
                          ? 'admin.devices.active'
                          : 'admin.devices.revoked_badge',
                      )}
                    </span>
                  </td>
                  <td className="actions-cell">
                    {d.status === 'active' ? (
                      <button
                        type="button"
                        className="button danger"
                        aria-label={t('admin.devices.revoke_for', { name: d.name })}
                        onClick={() => setConfirm(d)}
                      >
                        {t('admin.devices.revoke')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {confirm ? (
        <ConfirmDialog
          title={t('admin.devices.confirm_title', { name: confirm.name })}
          confirmLabel={t('admin.devices.revoke')}
          danger
          onConfirm={() => void revoke(confirm)}
          onCancel={() => setConfirm(null)}
        >
          <p>{t('admin.devices.confirm_body', { name: confirm.name, store: store.name })}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
