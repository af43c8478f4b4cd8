/**
 * The names of the IPC contract's channels, without their schemas. The sandboxed Electron
 * preload builds `window.keyholder` from this list alone, so it stays a few hundred bytes
 * instead of bundling zod and every schema. `contract.ts` is checked against it at compile time
 * (`satisfies Record<ChannelName, …>`): a channel added there and not here, or the reverse, is a
 * type error.
 */
export const CHANNEL_NAMES = [
  'app.state',
  'setup.createFirstAdmin',
  'auth.signIn',
  'auth.submitCode',
  'auth.submitRecoveryCode',
  'auth.submitNewPassword',
  'auth.beginEnrollment',
  'auth.confirmEnrollment',
  'auth.cancel',
  'session.touch',
  'session.lock',
  'session.unlock',
  'session.switchUser',
  'session.resume',
  'session.signOut',
  'session.confirmPassword',
  'staff.list',
  'staff.create',
  'staff.setStatus',
  'staff.resetPassword',
  'staff.unlock',
  'staff.resetTwoFactor',
  'staff.changeRole',
  'audit.query',
  'audit.verify',
  'audit.export',
  'me.overview',
  'me.changePassword',
  'me.beginTotp',
  'me.confirmTotp',
  'me.disableTotp',
  'me.regenerateRecoveryCodes',
  'me.signInHistory',
  'me.sessions',
  'settings.policy',
  'settings.updatePolicy',
  'settings.confirmTime',
  'sync.status',
  'sync.previewConnect',
  'sync.connect',
  'sync.syncNow',
  'sync.networkChanged',
  'sync.accountPage',
  'admin.status',
  'admin.signIn',
  'admin.signOut',
  'admin.listStores',
  'admin.createStore',
  'admin.issueEnrollmentCode',
  'admin.listDevices',
  'admin.revokeDevice',
  'admin.listPeople',
  'admin.createPerson',
  'admin.setRole',
  'admin.setStatus',
  'admin.setStores',
  'admin.unlockPerson',
  'admin.sendPasswordReset',
  'admin.resetTwoFactor',
  'admin.erasePerson',
  'admin.exportPerson',
  'admin.resendInvitation',
  'admin.policy',
  'admin.publishPolicy',
  'admin.searchAudit',
  'admin.exportAudit',
  'admin.analytics',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** `auth.signIn` → ['auth', 'signIn']: the preload exposes `api.auth.signIn(...)`. */
export function splitChannel(c: ChannelName): [string, string] {
  const [ns, verb] = c.split('.') as [string, string];
  return [ns, verb];
}
