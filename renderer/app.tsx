import { useEffect, useState } from 'react';
import type { SignedIn } from './api/types';
import { SyncFooter } from './features/sync/sync-footer';
import { useI18n } from './i18n/i18n-context';
import { AppShell } from './features/shell/app-shell';
import type { SignInNotice } from './features/shell/shell.types';
import { LockScreen } from './features/sign-in/lock.screen';
import { NotConnectedScreen } from './features/shell/not-connected.screen';
import { RecoveryCodesScreen } from './features/sign-in/recovery-codes.screen';
import type { Route } from './features/shell/routes';
import { SetupScreen } from './features/setup/setup.screen';
import { SignInFlow } from './features/sign-in/sign-in-flow';
import { useAppState } from './state/use-app-state';

/**
 * Which screen the window shows follows the core's state: first run, signed out, locked, or
 * the signed-in app. Recovery codes returned by a sign-in are shown before anything else.
 */
export function App() {
  const { state, error, refresh, patch } = useAppState();
  const { t } = useI18n();
  const [inSetup, setInSetup] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<SignInNotice | null>(null);
  const [signIns, setSignIns] = useState(0);
  // Where the person was, kept across a lock/unlock of the same session.
  const [place, setPlace] = useState<{ sessionId: string; route: Route } | null>(null);

  const needsSetup = state?.needsSetup ?? false;
  useEffect(() => {
    if (needsSetup) setInSetup(true);
  }, [needsSetup]);

  if (!state) {
    if (error) return <NotConnectedScreen error={error} onRetry={() => void refresh()} />;
    return (
      <main id="main" className="card-layout">
        <p className="hint" role="status">
          {t('common.loading')}
        </p>
      </main>
    );
  }

  const onSignedIn = (step: SignedIn) => {
    setInSetup(false);
    setSignIns((n) => n + 1);
    if (step.recoveryCodes?.length) setCodes(step.recoveryCodes);
    setNotice({ clockProblem: step.clockProblem, recoveryCodesLeft: step.recoveryCodesLeft });
    patch((s) => ({ ...s, needsSetup: false, session: step.session }));
  };
  const onChanged = () => void refresh();

  if (inSetup || state.needsSetup) {
    return (
      <SetupScreen
        state={state}
        onSignedIn={onSignedIn}
        onChanged={onChanged}
        onConnected={() => {
          setInSetup(false);
          onChanged();
        }}
      />
    );
  }
  const session = state.session;
  if (!session) {
    return (
      <>
        <SignInFlow key={signIns} state={state} onSignedIn={onSignedIn} onChanged={onChanged} />
        <SyncFooter onConnected={onChanged} />
      </>
    );
  }
  if (session.state === 'locked') {
    return <LockScreen session={session} patch={patch} onChanged={onChanged} />;
  }
  if (codes) {
    return (
      <RecoveryCodesScreen
        codes={codes}
        person={session}
        storeName={state.device.storeName}
        onDone={() => setCodes(null)}
      />
    );
  }
  const route = place?.sessionId === session.sessionId ? place.route : 'home';
  return (
    <AppShell
      key={session.sessionId}
      state={state}
      session={session}
      route={route}
      onNavigate={(next) => setPlace({ sessionId: session.sessionId, route: next })}
      notice={notice}
      onDismissNotice={() => setNotice(null)}
      patch={patch}
      onChanged={onChanged}
    />
  );
}
