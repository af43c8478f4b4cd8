import { useState, type FormEvent } from 'react';
import type { ConnectPreviewDto } from '../../../common/ipc/sync.schemas';
import { useApi } from '../../api/api-context';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { SyncStatus } from '../../state/use-sync-status';
import { HandoverPlan } from './handover-plan';

interface Props {
  /**
   * The PC has people of its own (a standalone PC): connecting hands them over to the server's
   * store, so the plan is shown and confirmed first. `me`: the username of who connects.
   */
  handsOverLocalPeople: boolean;
  me?: string;
  /** The address to start from (a revoked PC connects again to the server it knew). */
  initialServerUrl?: string;
  onConnected(status: SyncStatus): void;
}

/**
 * Server address + one-time enrollment code + a name for this PC → connected and synced. On a
 * PC with people of its own: → the plan (who is handed over, kept, not handed over) → Confirm
 * (the app asks for the admin's password) or Cancel; nothing changes before Confirm.
 */
export function ConnectForm({ handsOverLocalPeople, me, initialServerUrl, onConnected }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [serverUrl, setServerUrl] = useState(initialServerUrl ?? 'https://');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const { run, busy, error, fail, clearError } = useAction();
  const [preview, setPreview] = useState<ConnectPreviewDto | null>(null);
  const [emails, setEmails] = useState<Record<string, string>>({});
  // Addresses typed since the plan was made: the plan is checked again before Confirm.
  const [stale, setStale] = useState(false);
  const typed = () => Object.fromEntries(Object.entries(emails).filter(([, v]) => v.trim() !== ''));

  const connect = (confirmHandover: boolean) =>
    run(async () => {
      const result = await api.sync.connect({
        serverUrl,
        code,
        deviceName,
        ...(confirmHandover ? { confirmHandover, emails: typed() } : {}),
      });
      if (!result.ok) return result.error;
      onConnected(result.data);
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!serverUrl.trim() || serverUrl.trim() === 'https://' || !code.trim() || !deviceName.trim())
      return fail({ code: 'missing', message: t('sync.missing') });
    if (!handsOverLocalPeople) return connect(false);
    return review();
  };

  const review = () =>
    run(async () => {
      const result = await api.sync.previewConnect({ serverUrl, code, emails: typed() });
      if (!result.ok) return result.error;
      setPreview(result.data);
      setStale(false);
    });

  if (preview) {
    return (
      <div className="stack" aria-busy={busy} role="group" aria-labelledby="handover-plan-title">
        <HandoverPlan
          preview={preview}
          me={me ?? null}
          emails={emails}
          onEmail={(id, email) => {
            setEmails((all) => ({ ...all, [id]: email }));
            setStale(true);
          }}
        />
        <ErrorAlert error={error} />
        {stale ? (
          <p className="hint" role="status">
            {t('sync.plan_stale')}
          </p>
        ) : null}
        <div className="button-row">
          {stale ? (
            <button
              type="button"
              className="button primary"
              disabled={busy}
              onClick={() => void review()}
            >
              {busy ? t('sync.reviewing') : t('sync.plan_check_again')}
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              disabled={busy || !preview.keepsAWayIn}
              onClick={() => void connect(true)}
            >
              {busy ? t('sync.connecting') : t('sync.confirm_connect')}
            </button>
          )}
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              setPreview(null);
              clearError();
            }}
          >
            {t('common.cancel')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack" aria-busy={busy}>
      <p className="hint">{t('sync.connect_lead')}</p>
      {handsOverLocalPeople ? (
        <p className="alert banner-warning" role="note">
          {t('sync.handover_warning')}
        </p>
      ) : null}
      <Field
        label={t('sync.server_url')}
        type="url"
        inputMode="url"
        autoCapitalize="none"
        spellCheck={false}
        value={serverUrl}
        onChange={(e) => setServerUrl(e.target.value)}
        hint={t('sync.server_url_hint')}
        required
      />
      <div className="grid-2">
        <Field
          label={t('sync.code')}
          autoCapitalize="characters"
          autoComplete="one-time-code"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          hint={t('sync.code_hint')}
          required
        />
        <Field
          label={t('sync.device_name')}
          value={deviceName}
          maxLength={100}
          onChange={(e) => setDeviceName(e.target.value)}
          hint={t('sync.device_name_hint')}
          required
        />
      </div>
      <ErrorAlert error={error} />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy}>
          {busy && handsOverLocalPeople
            ? t('sync.reviewing')
            : busy
              ? t('sync.connecting')
              : handsOverLocalPeople
                ? t('sync.review')
                : t('sync.connect')}
        </button>
      </div>
    </form>
  );
}
