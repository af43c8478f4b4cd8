import { useMemo, useState, type FormEvent } from 'react';
import {
  PROFILE_IDS,
  defaultPolicyDocument,
  resolvePolicy,
  type ProfileId,
} from '../../../common/policy/policy';
import { useApi } from '../../api/api-context';
import type { AppState, SignInStep, SignedIn } from '../../api/types';
import {
  BRAND_NAME_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  STORE_NAME_MAX_LENGTH,
} from '../../../common/text/text-limits';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { NewPasswordFields } from '../../components/new-password-fields';
import { CardLayout, Page } from '../../components/page';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import { ProfileChoice } from '../../components/profile-choice';
import { ConnectForm } from '../sync/connect-form';
import { SignInFlow } from '../sign-in/sign-in-flow';
import { toFlowStep, type FlowStep } from '../sign-in/sign-in-steps';

interface Props {
  state: AppState;
  onSignedIn(step: SignedIn): void;
  onChanged(): void;
  /** Connected to a sync server: setup is over, the server's people sign in. */
  onConnected(): void;
}

/**
 * First run: there are no accounts yet. Choose the password policy profile, name the store,
 * create the first administrator; then the ordinary sign-in steps take over (2FA enrollment,
 * recovery codes).
 */
export function SetupScreen({ state, onSignedIn, onChanged, onConnected }: Props) {
  const [next, setNext] = useState<FlowStep | null>(null);
  const [mode, setMode] = useState<'choose' | 'connect' | 'standalone'>('choose');
  const { t } = useI18n();
  if (mode === 'choose') return <SetupChoice onChoose={setMode} />;
  if (mode === 'connect') {
    return (
      <CardLayout wide>
        <Page title={t('sync.connect_title')}>
          <ConnectForm handsOverLocalPeople={false} onConnected={onConnected} />
          <div className="button-row">
            <button type="button" className="button secondary" onClick={() => setMode('choose')}>
              {t('setup.back')}
            </button>
          </div>
        </Page>
      </CardLayout>
    );
  }
  if (next) {
    return (
      <SignInFlow state={state} initial={next} onSignedIn={onSignedIn} onChanged={onChanged} />
    );
  }
  return (
    <SetupForm
      onCreated={(step) => {
        if (step.status === 'signed_in') onSignedIn(step);
        else setNext(toFlowStep(step));
      }}
    />
  );
}

/** First question on a new PC: join the franchise's sync server, or run on its own. */
function SetupChoice({ onChoose }: { onChoose(mode: 'connect' | 'standalone'): void }) {
  const { t } = useI18n();
  return (
    <CardLayout wide>
      <Page title={t('setup.title')} lead={t('setup.choose_title')}>
        <div className="choice-list">
          <button type="button" className="choice" onClick={() => onChoose('connect')}>
            <span className="choice-title">{t('setup.choose_connect')}</span>
            <span className="hint">{t('setup.choose_connect_hint')}</span>
          </button>
          <button type="button" className="choice" onClick={() => onChoose('standalone')}>
            <span className="choice-title">{t('setup.choose_standalone')}</span>
            <span className="hint">{t('setup.choose_standalone_hint')}</span>
          </button>
        </div>
      </Page>
    </CardLayout>
  );
}

function SetupForm({ onCreated }: { onCreated(step: SignInStep): void }) {
  const api = useApi();
  const { t } = useI18n();
  const [profile, setProfile] = useState<ProfileId>('standard');
  const [storeName, setStoreName] = useState('');
  const [brandName, setBrandName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { run, busy, error, fail } = useAction();
  const policy = useMemo(() => resolvePolicy(defaultPolicyDocument(profile), 'admin'), [profile]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!storeName.trim() || !displayName.trim() || !username.trim() || !password)
      return fail({ code: 'missing', message: t('setup.missing') });
    if (password !== confirm) return fail({ code: 'mismatch', message: t('password.mismatch') });
    await run(async () => {
      const result = await api.setup.createFirstAdmin({
        profile,
        storeName,
        brandName,
        username,
        displayName,
        email,
        password,
      });
      if (!result.ok) return result.error;
      onCreated(result.data);
    });
  };

  return (
    <CardLayout wide>
      <Page title={t('setup.title')} lead={t('setup.lead')}>
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <fieldset>
            <legend>{t('setup.policy_legend')}</legend>
            <ProfileChoice
              name="profile"
              value={profile}
              onChange={setProfile}
              profiles={PROFILE_IDS}
            />
          </fieldset>
          <fieldset>
            <legend>{t('setup.store_legend')}</legend>
            <div className="grid-2">
              <Field
                label={t('setup.store_name')}
                maxLength={STORE_NAME_MAX_LENGTH}
                value={storeName}
                onChange={(e) => setStoreName(e.target.value)}
                required
              />
              <Field
                label={t('setup.brand_name')}
                maxLength={BRAND_NAME_MAX_LENGTH}
                value={brandName}
                onChange={(e) => setBrandName(e.target.value)}
                hint={t('common.optional')}
              />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('setup.admin_legend')}</legend>
            <div className="grid-2">
              <Field
                label={t('staff.display_name')}
                autoComplete="name"
                maxLength={DISPLAY_NAME_MAX_LENGTH}
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
                required
              />
              <Field
                label={t('signin.username')}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                hint={t('staff.username_hint')}
                required
              />
            </div>
            <Field
              label={t('staff.email')}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              hint={t('common.optional')}
            />
            <NewPasswordFields
              label={t('signin.password')}
              confirmLabel={t('password.confirm')}
              password={password}
              confirm={confirm}
              onPassword={setPassword}
              onConfirm={setConfirm}
              policy={policy}
              context={{ username, displayName, email, storeName, brandName }}
            />
          </fieldset>
          <ErrorAlert error={error} />
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t('common.working') : t('setup.submit')}
            </button>
          </div>
        </form>
      </Page>
    </CardLayout>
  );
}
