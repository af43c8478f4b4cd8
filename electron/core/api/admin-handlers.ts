import type { ServerAdminService } from '../server-admin/server-admin.service';
import type { ApiHandlers } from './api-handlers';
import type { WindowContext } from './window-context';

type AdminChannel = Extract<keyof ApiHandlers, `admin.${string}`>;

/**
 * The admin area's channels (common/ipc/admin.schemas.ts) on ServerAdminService. `session`
 * resolves the window's bound session (or throws "signed out"); the service checks the role.
 */
export function adminHandlers(
  admin: ServerAdminService,
  session: (ctx: WindowContext) => string,
): Pick<ApiHandlers, AdminChannel> {
  return {
    'admin.status': (ctx) => admin.status(session(ctx)),
    'admin.signIn': (ctx, r) => admin.signIn(session(ctx), r),
    'admin.signOut': (ctx) => admin.signOut(session(ctx)),
    'admin.listStores': (ctx) => admin.listStores(session(ctx)),
    'admin.createStore': (ctx, r) => admin.createStore(session(ctx), r),
    'admin.issueEnrollmentCode': (ctx, r) => admin.issueEnrollmentCode(session(ctx), r.storeId),
    'admin.listDevices': (ctx, r) => admin.listDevices(session(ctx), r.storeId),
    'admin.revokeDevice': (ctx, r) => admin.revokeDevice(session(ctx), r.deviceId),
    'admin.listPeople': (ctx, r) => admin.listPeople(session(ctx), r),
    'admin.createPerson': (ctx, r) => admin.createPerson(session(ctx), r),
    'admin.setRole': (ctx, r) => admin.setRole(session(ctx), r),
    'admin.setStatus': (ctx, r) => admin.setStatus(session(ctx), r),
    'admin.setStores': (ctx, r) => admin.setStores(session(ctx), r),
    'admin.unlockPerson': (ctx, r) => admin.personActions.unlock(session(ctx), r),
    'admin.sendPasswordReset': (ctx, r) => admin.personActions.sendPasswordReset(session(ctx), r),
    'admin.resetTwoFactor': (ctx, r) => admin.personActions.resetTwoFactor(session(ctx), r),
    'admin.erasePerson': (ctx, r) => admin.personActions.erase(session(ctx), r),
    'admin.exportPerson': (ctx, r) => admin.personActions.exportData(session(ctx), r),
    'admin.resendInvitation': (ctx, r) => admin.personActions.resendInvitation(session(ctx), r),
    'admin.policy': (ctx) => admin.policy(session(ctx)),
    'admin.publishPolicy': (ctx, r) => admin.publishPolicy(session(ctx), r),
    'admin.searchAudit': (ctx, r) => admin.searchAudit(session(ctx), r),
    'admin.exportAudit': (ctx, r) => admin.exportAudit(session(ctx), r),
    'admin.analytics': (ctx, r) => admin.analytics(session(ctx), r),
  };
}
