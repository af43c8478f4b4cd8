import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ServerPersonDto } from '../../../common/ipc/admin.schemas';
import { useApi } from '../../api/api-context';
import type { ApiError } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { downloadText } from '../../components/download';
import { Dialog } from '../../components/dialog';
import { Field } from '../../components/field';
import { FormActions } from '../../components/form-actions';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import type { Run } from './admin-run';

type Confirmed = 'unlock' | 'reset_password' | 'reset_2fa';
type PersonAction = Confirmed | 'resend_invite' | 'export' | 'erase';

const BUTTON: Record<PersonAction, MessageKey> = {
  unlock: 'admin.people.unlock',
  reset_password: 'admin.people.send_reset',
  reset_2fa: 'admin.people.reset_2fa',
  resend_invite: 'admin.people.resend_invite',
  export: 'admin.people.export',
  erase: 'admin.people.erase',
};
const CONFIRM: Record<Confirmed, { title: MessageKey; body: MessageKey; button: MessageKey }> = {
  unlock: {
    title: 'admin.people.confirm_unlock_title',
    body: 'admin.people.confirm_unlock',
    button: 'admin.people.unlock',
  },
  reset_password: {
    title: 'admin.people.confirm_reset_title',
    body: 'admin.people.confirm_reset',
    button: 'admin.people.send_reset',
  },
  reset_2fa: {
    title: 'admin.people.confirm_2fa_title',
    body: 'admin.people.confirm_2fa',
    button: 'admin.people.reset_2fa',
  },
};

/**
 * What makes sense for the person as the list shows them. The server refuses resets of an
 * invited or disabled account, so they are offered only to active ones; a 2FA reset only to
 * someone who has 2FA. Unlock only to someone the list shows as locked out (or when that is not
 * known: its answer then says whether there was a lock). Export (GDPR access, nothing to
 * confirm: it changes nothing) and erase are always offered; a new invitation (nothing to
 * confirm either: it only mails the person) to someone who has not confirmed their address.
 */
export function availableActions(person: ServerPersonDto): PersonAction[] {
  const active = person.status === 'active';
  return [
    ...(person.locked !== false ? (['unlock'] as const) : []),
    ...(active ? (['reset_password'] as const) : []),
    ...(active && person.totpEnabled ? (['reset_2fa'] as const) : []),
    ...(person.status === 'pending' ? (['resend_invite'] as const) : []),
    'export',
    'erase',
  ];
}

/**
 * The manage dialog's "Sign-in and account" group: each action asks first (a dialog on top of
 * the manage dialog; Cancel returns focus to its button), then says what happened inside the
 * manage dialog and in the people section.
 */
export function PersonAccountActions(props: {
  run: Run;
  person: ServerPersonDto;
  onChanged(person: ServerPersonDto, status: string): void;
  onDone(status: string): void;
  onErased(person: ServerPersonDto, status: string): void;
}) {
  const { person, run } = props;
  const api = useApi();
  const { t } = useI18n();
  const [open, setOpen] = useState<Exclude<PersonAction, 'export' | 'resend_invite'> | null>(null);
  const action = useAction();
  const { busy, error, clearError } = action;
  const [done, setDone] = useState<string | null>(null);
  const [mailError, setMailError] = useState<ApiError | null>(null);
  const name = person.displayName;
  const actions = availableActions(person);
  const heading = useRef<HTMLHeadingElement>(null);
  const actionKey = actions.join(' ');
  useEffect(() => {
    // An action's button can go with its answer (Unlock, a 2FA reset): focus stays in the
    // dialog, on this group's heading, rather than falling to the page behind it.
    if (document.activeElement === document.body) heading.current?.focus();
  }, [actionKey]);

  const finish = (text: string, mailFailed: boolean) => {
    setOpen(null);
    if (mailFailed) {
      setDone(null);
      setMailError({ code: 'mail_failed', message: text });
    } else {
      setMailError(null);
      setDone(text);
    }
  };

  const confirm = (chosen: Confirmed) =>
    action.run(async () => {
      const personId = person.id;
      if (chosen === 'unlock') {
        const r = await run(api.admin.unlockPerson({ personId }));
        if (!r.ok) return r.error;
        const text = t(r.data.wasLocked ? 'admin.people.unlocked' : 'admin.people.not_locked', {
          name,
        });
        finish(text, false);
        props.onChanged({ ...person, locked: false }, text);
      } else if (chosen === 'reset_password') {
        const r = await run(api.admin.sendPasswordReset({ personId }));
        if (!r.ok) return r.error;
        const failed = r.data.email === 'failed';
        const text = t(failed ? 'admin.people.reset_mail_failed' : 'admin.people.reset_sent', {
          name,
          address: r.data.sentTo,
        });
        finish(text, failed);
        if (!failed) props.onDone(text);
      } else {
        const r = await run(api.admin.resetTwoFactor({ personId }));
        if (!r.ok) return r.error;
        const failed = r.data.setupEmail === 'failed';
        const text = t(failed ? 'admin.people.2fa_mail_failed' : 'admin.people.2fa_done', {
          name,
          address: r.data.sentTo,
        });
        finish(text, failed);
        props.onChanged(r.data, text);
      }
    });

  const exportData = async () => {
    clearError();
    const r = await run(api.admin.exportPerson({ personId: person.id }));
    if (!r.ok) return setMailError(r.error);
    downloadText(r.data.filename, r.data.content, r.data.mimeType);
    const text = t('admin.people.exported', { name, filename: r.data.filename });
    finish(text, false);
    props.onDone(text);
  };

  const resendInvitation = async () => {
    clearError();
    const r = await run(api.admin.resendInvitation({ personId: person.id }));
    if (!r.ok) return setMailError(r.error);
    const failed = r.data.email === 'failed';
    const text = t(failed ? 'admin.people.invite_mail_failed' : 'admin.people.invite_sent', {
      name,
      address: r.data.sentTo,
    });
    finish(text, failed);
    if (!failed) props.onDone(text);
  };

  const openDialog = (action: PersonAction) => {
    if (action === 'export') return void exportData();
    if (action === 'resend_invite') return void resendInvitation();
    clearError();
    setOpen(action);
  };

  return (
    <section className="stack" aria-labelledby={`person-actions-${person.id}`}>
      <h3 id={`person-actions-${person.id}`} ref={heading} tabIndex={-1}>
        {t('admin.people.account_actions')}
      </h3>
      {person.status !== 'active' ? (
        <p className="hint">
          {t(
            person.status === 'pending'
              ? 'admin.people.resets_pending'
              : 'admin.people.resets_disabled',
            { name },
          )}
        </p>
      ) : null}
      <div className="action-list">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={`button ${action === 'erase' ? 'danger' : 'secondary'}`}
            onClick={() => openDialog(action)}
          >
            {t(BUTTON[action])}
          </button>
        ))}
      </div>
      <StatusMessage text={done} />
      <ErrorAlert error={mailError} />
      {open === 'erase' ? (
        <EraseDialog
          run={run}
          person={person}
          onCancel={() => setOpen(null)}
          onErased={(pseudonym) =>
            props.onErased(person, t('admin.people.erased', { name, pseudonym }))
          }
        />
      ) : open ? (
        <ConfirmDialog
          title={t(CONFIRM[open].title, { name })}
          confirmLabel={t(CONFIRM[open].button)}
          danger={open === 'reset_2fa'}
          busy={busy}
          onConfirm={() => void confirm(open)}
          onCancel={() => setOpen(null)}
        >
          <p>{t(CONFIRM[open].body, { name })}</p>
          <ErrorAlert error={error} />
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/**
 * GDPR erasure cannot be undone: the dialog says what happens, and the admin types the
 * person's email address before anything is sent (the server compares it again).
 */
function EraseDialog(props: {
  run: Run;
  person: ServerPersonDto;
  onCancel(): void;
  onErased(pseudonym: string): void;
}) {
  const { person } = props;
  const api = useApi();
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { run, busy, error, clearError } = useAction();
  const inputId = useId();
  const name = person.displayName;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    clearError();
    if (typed.trim().toLowerCase() !== person.email.toLowerCase()) {
      setMismatch(true);
      document.getElementById(inputId)?.focus();
      return;
    }
    setMismatch(false);
    await run(async () => {
      const confirmEmail = typed.trim();
      const r = await props.run(api.admin.erasePerson({ personId: person.id, confirmEmail }));
      if (!r.ok) return r.error;
      props.onErased(r.data.pseudonym);
    });
  };

  return (
    <Dialog title={t('admin.people.confirm_erase_title', { name })} onClose={props.onCancel} alert>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <p className="warning">{t('admin.people.confirm_erase_warning')}</p>
        <ul>
          <li>{t('admin.people.confirm_erase_account', { name })}</li>
          <li>{t('admin.people.confirm_erase_stores')}</li>
          <li>{t('admin.people.confirm_erase_audit', { name })}</li>
        </ul>
        <Field
          id={inputId}
          label={t('admin.people.confirm_erase_type', { email: person.email })}
          type="email"
          autoComplete="off"
          spellCheck={false}
          maxLength={254}
          value={typed}
          autoFocus
          onChange={(e) => {
            setTyped(e.target.value);
            setMismatch(false);
          }}
          {...(mismatch
            ? { error: t('admin.people.confirm_erase_mismatch', { email: person.email }) }
            : {})}
        />
        <ErrorAlert error={error} />
        <FormActions
          submitLabel={t('admin.people.erase_submit')}
          busy={busy}
          danger
          onCancel={props.onCancel}
        />
      </form>
    </Dialog>
  );
}
