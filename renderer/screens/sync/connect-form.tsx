import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useI18n } from '../../i18n/i18n-context';
import type { SyncStatus } from '../../state/use-sync-status';

interface Props {
  /** Shown when the PC already has people of its own (they are replaced by the server's). */
  replacesLocalPeople: boolean;
  /** The address to start from (a revoked PC connects again to the server it knew). */
  initialServerUrl?: string;
  onConnected(status: SyncStatus): void;
}

/** Server address + one-time enrollment code + a name for this PC → connected and synced. */
export function ConnectForm({ replacesLocalPeople, initialServerUrl, onConnected }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [serverUrl, setServerUrl] = useState(initialServerUrl ?? 'https://');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (
      !serverUrl.trim() ||
      serverUrl.trim() === 'https://' ||
      !code.trim() ||
      !deviceName.trim()
    ) {
      setError({ code: 'missing', message: t('sync.missing') });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await api.sync.connect({ serverUrl, code, deviceName });
    setBusy(false);
    if (result.ok) onConnected(result.data);
    else setError(result.error);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack" aria-busy={busy}>
      <p className="hint">{t('sync.connect_lead')}</p>
      {replacesLocalPeople ? (
        <p className="alert banner-warning" role="note">
          {t('sync.replace_warning')}
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
          {busy ? t('sync.connecting') : t('sync.connect')}
        </button>
      </div>
    </form>
  );
}
