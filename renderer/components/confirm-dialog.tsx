import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { Dialog } from './dialog';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** "Are you sure?" as an alertdialog; Cancel has the focus first, Escape cancels. */
export function ConfirmDialog(props: Props) {
  const { t } = useI18n();
  return (
    <Dialog title={props.title} onClose={props.onCancel} alert>
      <div className="dialog-body">{props.children}</div>
      <div className="button-row end">
        <button type="button" className="button secondary" onClick={props.onCancel} autoFocus>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`button ${props.danger ? 'danger' : 'primary'}`}
          onClick={props.onConfirm}
          disabled={props.busy}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
