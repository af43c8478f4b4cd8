import type { Channel, RequestOf, ResponseOf } from '../../../common/ipc/contract';
import type { SignInStep } from '../auth/sign-in.service';
import { KeyholderError } from '../errors';
import type { Keyholder } from '../keyholder';
import { accountPageUrl } from '../sync/account-page-url';
import { adminHandlers } from './admin-handlers';
import type { WindowContext } from './window-context';

type Handler<C extends Channel> = (
  ctx: WindowContext,
  request: RequestOf<C>,
) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type ApiHandlers = { [C in Channel]: Handler<C> };

export { APP_VERSION } from '../version';
import { APP_VERSION } from '../version';

function signedOut(): KeyholderError {
  return new KeyholderError('session_ended', 'You are signed out. Sign in again.');
}

/** What a host lends the handlers. */
export interface HostCapabilities {
  /**
   * Opens a URL built in core in the system browser (Electron main: shell.openExternal).
   * Without it (the browser shell) the UI opens the URL itself, in a new tab.
   */
  openExternal?: (url: string) => Promise<void>;
}

/**
 * The contract implemented on the core: one function per channel. Hosts (Electron main, the
 * browser shell) validate the request before and the response after; this layer only maps
 * calls onto services and keeps the window's session binding up to date.
 */
export function createApiHandlers(kh: Keyholder, host: HostCapabilities = {}): ApiHandlers {
  const session = (ctx: WindowContext): string => {
    if (!ctx.sessionId) throw signedOut();
    return ctx.sessionId;
  };
  /** A finished sign-in attaches its session to the window. */
  const bind = (ctx: WindowContext, step: SignInStep): SignInStep => {
    if (step.status === 'signed_in') ctx.sessionId = step.session.sessionId;
    return step;
  };
  const parkedViews = (ctx: WindowContext) =>
    ctx.parked.flatMap((id) => {
      try {
        const v = kh.sessions.get(id);
        return [{ sessionId: v.sessionId, username: v.username, displayName: v.displayName }];
      } catch {
        return [];
      }
    });
  const policyView = () => ({
    document: kh.policies.current(),
    editable: kh.device.state().mode === 'standalone',
  });

  return {
    'app.state': (ctx) => {
      let current = null;
      if (ctx.sessionId) {
        try {
          current = kh.sessions.get(ctx.sessionId);
        } catch {
          ctx.sessionId = null;
        }
      }
      ctx.parked = parkedViews(ctx).map((p) => p.sessionId);
      const device = kh.device.state();
      return {
        version: APP_VERSION,
        needsSetup: kh.firstRun.needsSetup(),
        session: current,
        parked: parkedViews(ctx),
        time: kh.time.status(),
        device: {
          storeName: device.storeName,
          brandName: device.brandName,
          mode: device.mode,
          pcMode: kh.device.pcMode(),
        },
      };
    },

    'setup.createFirstAdmin': async (ctx, r) => bind(ctx, await kh.firstRun.createFirstAdmin(r)),

    'auth.signIn': async (ctx, r) => bind(ctx, await kh.signIn.signIn(r.username, r.password)),
    'auth.submitCode': async (ctx, r) =>
      bind(ctx, await kh.signIn.submitCode(r.challengeId, r.code)),
    'auth.submitRecoveryCode': async (ctx, r) =>
      bind(ctx, await kh.signIn.submitRecoveryCode(r.challengeId, r.code)),
    'auth.submitNewPassword': async (ctx, r) =>
      bind(ctx, await kh.signIn.submitNewPassword(r.challengeId, r.newPassword)),
    'auth.beginEnrollment': (_ctx, r) => kh.signIn.beginEnrollment(r.challengeId),
    'auth.confirmEnrollment': async (ctx, r) =>
      bind(ctx, await kh.signIn.confirmEnrollment(r.challengeId, r.code)),
    'auth.cancel': (_ctx, r) => {
      kh.signIn.cancel(r.challengeId);
      return {};
    },

    'session.touch': (ctx) => kh.sessions.requireActive(session(ctx)),
    'session.lock': (ctx, r) => kh.sessions.lock(session(ctx), r.reason ?? 'manual'),
    'session.unlock': (ctx, r) => kh.myAccount.unlockSession(session(ctx), r.password),
    'session.switchUser': (ctx) => {
      const id = session(ctx);
      kh.sessions.lock(id, 'switch_user');
      ctx.parked = [...ctx.parked.filter((p) => p !== id), id];
      ctx.sessionId = null;
      return {};
    },
    'session.resume': async (ctx, r) => {
      if (!ctx.parked.includes(r.sessionId)) throw signedOut();
      const view = await kh.myAccount.unlockSession(r.sessionId, r.password);
      if (ctx.sessionId) {
        kh.sessions.lock(ctx.sessionId, 'switch_user');
        ctx.parked.push(ctx.sessionId);
      }
      ctx.parked = ctx.parked.filter((p) => p !== r.sessionId);
      ctx.sessionId = view.sessionId;
      return view;
    },
    'session.confirmPassword': async (ctx, r) => {
      await kh.authority.unlock(kh.sessions.requireActive(session(ctx)), r.password);
      return {};
    },
    'session.signOut': (ctx) => {
      if (ctx.sessionId) kh.sessions.end(ctx.sessionId, 'signed_out');
      ctx.sessionId = null;
      return {};
    },

    'staff.list': (ctx, r) => kh.staff.list(session(ctx), r.search),
    'staff.create': (ctx, r) => kh.staff.create(session(ctx), r),
    'staff.setStatus': (ctx, r) => kh.staff.setStatus(session(ctx), r.accountId, r.status),
    'staff.resetPassword': (ctx, r) =>
      kh.staff.resetPassword(session(ctx), r.accountId, r.password),
    'staff.unlock': (ctx, r) => kh.staff.unlock(session(ctx), r.accountId),
    'staff.resetTwoFactor': (ctx, r) => kh.staff.resetTwoFactor(session(ctx), r.accountId),
    'staff.changeRole': (ctx, r) => kh.staff.changeRole(session(ctx), r.accountId, r.role),

    'audit.query': (ctx, r) => kh.auditLog.query(session(ctx), r),
    'audit.verify': (ctx) => kh.auditLog.verify(session(ctx)),
    'audit.export': (ctx, r) => {
      const content = kh.auditLog.export(session(ctx), r.format, r.filter);
      const stamp = new Date(kh.time.now()).toISOString().slice(0, 10);
      return {
        filename: `keyholder-audit-${stamp}.${r.format}`,
        mimeType: r.format === 'csv' ? 'text/csv' : 'application/json',
        content,
      };
    },

    'me.overview': (ctx) => kh.myAccount.overview(session(ctx)),
    'me.changePassword': async (ctx, r) => {
      await kh.myAccount.changePassword(session(ctx), r.currentPassword, r.newPassword);
      return {};
    },
    'me.beginTotp': (ctx, r) => kh.myAccount.beginTotpEnrollment(session(ctx), r.password),
    'me.confirmTotp': (ctx, r) => kh.myAccount.confirmTotpEnrollment(session(ctx), r.code),
    'me.disableTotp': async (ctx, r) => {
      await kh.myAccount.disableTotp(session(ctx), r.password, r.code);
      return {};
    },
    'me.regenerateRecoveryCodes': (ctx, r) =>
      kh.myAccount.regenerateRecoveryCodes(session(ctx), r.password),
    'me.signInHistory': (ctx) => kh.myAccount.signInHistory(session(ctx)),
    'me.sessions': (ctx) => kh.myAccount.sessions(session(ctx)),

    'settings.policy': (ctx) => {
      kh.deviceAdmin.policy(session(ctx));
      return policyView();
    },
    'settings.updatePolicy': (ctx, r) => {
      kh.deviceAdmin.updatePolicy(
        session(ctx),
        r as Parameters<Keyholder['deviceAdmin']['updatePolicy']>[1],
      );
      return policyView();
    },
    'settings.confirmTime': (ctx) => kh.deviceAdmin.confirmTime(session(ctx)),

    'sync.status': () => kh.sync.status(),
    'sync.previewConnect': (ctx, r) => kh.sync.previewConnect(ctx.sessionId, r),
    'sync.connect': (ctx, r) => kh.sync.connect(ctx.sessionId, r),
    'sync.syncNow': () => kh.sync.syncNow(),
    'sync.accountPage': async (_ctx, r) => {
      const url = accountPageUrl(kh.sync.stateRepository, r.page, r.lang);
      if (!host.openExternal) return { url, opened: false };
      await host.openExternal(url);
      return { url, opened: true };
    },
    'sync.networkChanged': (_ctx, r) => {
      kh.sync.networkChanged(r.online);
      return {};
    },
    ...adminHandlers(kh.serverAdmin, session),
  };
}
