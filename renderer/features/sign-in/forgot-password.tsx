import { useApi } from '../../api/api-context';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';

/**
 * "Forgot password?" under the sign-in form. On a PC connected to a sync server it opens the
 * server's /account/forgot page in the UI's language: core builds the address from the server
 * this PC is connected to (sync.accountPage) and, in Electron, main opens it in the system
 * browser; the browser shell opens it in a new tab. A standalone PC has no server: people ask a
 * manager, who resets the password here.
 */
export function ForgotPassword({ connected }: { connected: boolean }) {
  const api = useApi();
  const { t, lang } = useI18n();
  const { run, busy, error } = useAction();
  if (!connected) return <p className="hint">{t('signin.forgot_standalone')}</p>;

  const open = () =>
    run(async () => {
      const result = await api.sync.accountPage({ page: 'forgot', lang });
      if (!result.ok) return result.error;
      if (!result.data.opened) window.open(result.data.url, '_blank', 'noopener,noreferrer');
      return null;
    });

  return (
    <div className="stack">
      <ErrorAlert error={error} />
      <p>
        <button type="button" className="button link" onClick={() => void open()} disabled={busy}>
          {t('signin.forgot')}
        </button>
      </p>
    </div>
  );
}
