import { useCallback, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { KeyholderApi } from '../../common/ipc/contract';
import { Dialog } from '../components/dialog';
import { Field } from '../components/field';
import { ErrorAlert } from '../components/messages';
import { useAction } from '../components/use-action';
import { useI18n } from '../i18n/i18n-context';
import { ApiProvider } from './api-context';
import { withStepUp } from './step-up-api';

/**
 * ApiProvider with the step-up prompt around `api` (step-up-api.ts). Concurrent calls share one
 * prompt. The password leaves the field for the core; the field is unmounted with the dialog.
 */
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
  const { run, busy, error } = useAction();
  const field = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '' || busy) return;
    await run(async () => {
      const result = await api.session.confirmPassword({ password });
      if (result.ok) return onDone(true);
      setPassword('');
      // Straight back to the field, as a sign-in form does after a wrong password.
      field.current?.focus();
      return result.error;
    });
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
