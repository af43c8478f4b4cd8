import { CardLayout, Page } from '../../components/page';
import { RecoveryCodes } from '../../components/recovery-codes';
import { useI18n } from '../../i18n/i18n-context';

/** Right after 2FA enrollment: the recovery codes, once, before the app opens. */
export function RecoveryCodesScreen(props: {
  codes: string[];
  person: { displayName: string; username: string };
  storeName: string;
  onDone(): void;
}) {
  const { t } = useI18n();
  return (
    <CardLayout wide>
      <Page title={t('recovery.title')}>
        <RecoveryCodes
          codes={props.codes}
          person={props.person}
          storeName={props.storeName}
          onDone={props.onDone}
        />
      </Page>
    </CardLayout>
  );
}
