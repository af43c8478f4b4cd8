import { useCallback, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiResult, KeyholderApi } from '../../common/ipc/contract';
import { CHANNELS, splitChannel } from '../../common/ipc/contract';
import { Dialog } from '../components/dialog';
import { Field } from '../components/field';
import { ErrorAlert } from '../components/messages';
import { useI18n } from '../i18n/i18n-context';
import { ApiProvider } from './api-context';
import type { ApiError } from './types';

type Verb = (request: unknown) => Promise<ApiResult<unknown>>;

/** The one channel that answers a step-up itself (a wrong password is its own error). */
const CONFIRM = 'session.confirmPassword';

/**
 * Step-up for the whole app: a change that must be signed on a standalone PC answers
 * `password_required` until the signed-in person has typed their password once this session
 * (electron/core/integrity/standalone-authority.service.ts). Any call answering so opens this
 * dialog; the password goes to `session.confirmPassword`, and the call is made once more. Cancel
 * gives the screen the original error, as if no prompt had been shown.
 *
 * Concurrent calls share one prompt. Nothing here keeps the password: it leaves the field for
 * the core and the field is unmounted with the dialog.
 */
export function withStepUp(api: KeyholderApi, ask: () => Promise<boolean>): KeyholderApi {
  const source = api as unknown as Record<string, Record<string, Verb>>;
  const wrapped: Record<string, Record<string, Verb>> = {};
  for (const channel of CHANNELS) {
    const [ns, verb] = splitChannel(channel);
    const call = source[ns]![verb]!;
    (wrapped[ns] ??= {})[verb] =
      channel === CONFIRM
        ? call
        : async (request) => {
            const first = await call(request);
            if (first.ok || first.error.code !== 'password_required') return first;
            return (await ask()) ? call(request) : first;
          };
  }
  return wrapped as unknown as KeyholderApi;
}

/** ApiProvider with the step-up prompt around `api`. */
export function StepUpApiProvider({ api, children }: { api: KeyholderApi; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const waiting = useRef<Promise<boolean> | null>(null);
  const settle = useRef<((confirmed: boolean) => void) | null>(null);

  const ask = useCallback((): Promise<boolean> => {
    waiting.current ??= new Promise<boolean>((resolve) => {
      settle.current = resolve;
      setOpen(true);
    });
    return waiting.current;
  }, []);

  const finish = useCallback((confirmed: boolean) => {
    setOpen(false);
    waiting.current = null;
    settle.current?.(confirmed);
    settle.current = null;
  }, []);

  const wrapped = useMemo(() => withStepUp(api, ask), [api, ask]);
  return (
    <ApiProvider api={wrapped}>
      {children}
      {open ? <StepUpDialog api={api} onDone={finish} /> : null}
    </ApiProvider>
  );
}

function StepUpDialog({ api, onDone }: { api: KeyholderApi; onDone(confirmed: boolean): void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const field = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '' || busy) return;
    setBusy(true);
    const result = await api.session.confirmPassword({ password });
    setBusy(false);
    if (result.ok) return onDone(true);
    setPassword('');
    setError(result.error);
    // Straight back to the field, as a sign-in form does after a wrong password.
    field.current?.focus();
  };

  return (
    <Dialog title={t('stepup.title')} onClose={() => onDone(false)}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="dialog-body">
          <p>{t('stepup.body')}</p>
          <ErrorAlert error={error} />
          <Field
            label={t('staff.confirm_your_password')}
            type="password"
            autoComplete="current-password"
            autoFocus
            ref={field}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="button-row end">
          <button type="button" className="button secondary" onClick={() => onDone(false)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={busy || password === ''}>
            {t('stepup.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
