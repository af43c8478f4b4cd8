import { lazy, Suspense, useEffect, useRef } from 'react';
import { useApi } from '../../api/api-context';
import { Logo } from '../../components/logo';
import { SyncIndicator } from '../sync/sync-indicator';
import type { AppState, SessionView } from '../../api/types';
import { useI18n } from '../../i18n/i18n-context';
import { useIdleLock } from '../../state/use-idle-lock';
import { useSyncStatus } from '../../state/use-sync-status';
import { AuditScreen } from '../audit/audit.screen';
import { HomeScreen } from '../home/home.screen';
import { MyAccountScreen } from '../my-account/my-account.screen';
import { ROLE_LABEL } from '../../components/role-label';
import { ROUTE_LABEL, routesFor, type Route } from './routes';
import type { SignInNotice } from './shell.types';
import { SettingsScreen } from '../settings/settings.screen';
import { StaffScreen } from '../staff/staff.screen';

// Loaded on demand: most people on a store PC never open it.
const AdminScreen = lazy(() => import('../admin/admin.screen'));

interface Props {
  state: AppState;
  session: SessionView;
  route: Route;
  onNavigate(route: Route): void;
  notice: SignInNotice | null;
  onDismissNotice(): void;
  patch(change: (state: AppState) => AppState): void;
  onChanged(): void;
}

/** The signed-in app: header (who, lock, switch user, sign out), navigation, the screen. */
export function AppShell(props: Props) {
  const { state, session, route, onNavigate, notice, onDismissNotice, patch, onChanged } = props;
  const api = useApi();
  const { t } = useI18n();
  const routes = routesFor(session.role, state.device.mode);
  const current = routes.includes(route) ? route : 'home';

  useIdleLock(session.state === 'active', session.idleLockMinutes, onChanged);
  const sync = useSyncStatus();
  // A finished sync may have ended this session (disabled, removed) or changed the policy.
  const lastSyncAt = sync.status?.lastSyncAt ?? null;
  const changed = useRef(onChanged);
  changed.current = onChanged;
  const seen = useRef(lastSyncAt);
  useEffect(() => {
    if (lastSyncAt !== null && seen.current !== null && lastSyncAt !== seen.current)
      changed.current();
    seen.current = lastSyncAt;
  }, [lastSyncAt]);

  const lock = async () => {
    const result = await api.session.lock({});
    if (result.ok) patch((s) => ({ ...s, session: result.data }));
    else onChanged();
  };
  const switchUser = async () => {
    await api.session.switchUser({});
    onChanged();
  };
  const signOut = async () => {
    await api.session.signOut({});
    patch((s) => ({ ...s, session: null }));
  };
  const common = { state, session, navigate: onNavigate, onSessionError: onChanged };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <Logo />
          <span>
            <span className="brand-name">Keyholder</span>
            {state.device.storeName ? (
              <span className="store-name">{state.device.storeName}</span>
            ) : null}
          </span>
        </div>
        <SyncIndicator status={sync.status} onOpen={() => onNavigate('settings')} />
        <div className="who">
          <span className="who-name">{session.displayName}</span>
          <span className="badge">{t(ROLE_LABEL[session.role])}</span>
        </div>
        <div className="session-actions">
          <button type="button" className="button secondary" onClick={() => void lock()}>
            {t('nav.lock')}
          </button>
          <button type="button" className="button secondary" onClick={() => void switchUser()}>
            {t('nav.switch_user')}
          </button>
          <button type="button" className="button secondary" onClick={() => void signOut()}>
            {t('nav.sign_out')}
          </button>
        </div>
      </header>
      <div className="body">
        <nav className="sidebar" aria-label={t('nav.label')}>
          <ul>
            {routes.map((r) => (
              <li key={r}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={r === current ? 'page' : undefined}
                  onClick={() => onNavigate(r)}
                >
                  {t(ROUTE_LABEL[r])}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} className="content">
          {current === 'home' ? (
            <HomeScreen
              {...common}
              notice={notice}
              onDismissNotice={onDismissNotice}
              onChanged={onChanged}
            />
          ) : current === 'staff' ? (
            <StaffScreen {...common} />
          ) : current === 'audit' ? (
            <AuditScreen {...common} />
          ) : current === 'admin' ? (
            <Suspense fallback={<p className="hint">{t('common.loading')}</p>}>
              <AdminScreen {...common} />
            </Suspense>
          ) : current === 'account' ? (
            <MyAccountScreen {...common} />
          ) : (
            <SettingsScreen {...common} sync={sync} />
          )}
        </main>
      </div>
    </div>
  );
}
