/**
 * One-line summaries of the operations in the OpenAPI document, by `METHOD /fastify/url`.
 * Kept here rather than in each route file so route files stay about behaviour; a route
 * without an entry still appears in the document (with its tag), only without a summary, and
 * tests/backend/openapi.test.ts lists any missing or stale entry.
 */
export const OPERATION_SUMMARIES: Readonly<Record<string, string>> = {
  // auth
  'POST /api/v1/auth/setup/start':
    'Start admin set-up with the one-time code (returns the TOTP secret)',
  'POST /api/v1/auth/setup/complete': 'Finish admin set-up: choose a password, confirm a TOTP code',
  'POST /api/v1/auth/sign-in': 'Sign in with email, password and TOTP code',
  'POST /api/v1/auth/sign-in/new-password':
    'Finish a sign-in whose password must change (temporary or expired): choose a new one',
  'POST /api/v1/auth/refresh':
    'Trade a refresh token for new tokens (rotation; reuse revokes the session)',
  'POST /api/v1/auth/sign-out': 'Sign out this session',
  'POST /api/v1/auth/sign-out-everywhere': 'Sign out every session of this account',
  'POST /api/v1/auth/password': 'Change my password (signs out other sessions)',
  'GET /api/v1/auth/me': 'Who am I',
  // profile
  'GET /api/v1/profile': 'My profile',
  'PATCH /api/v1/profile': 'Change my display name',
  'POST /api/v1/profile/email': 'Change my email address (a code goes to the new address)',
  'POST /api/v1/profile/email/confirm': 'Confirm my new email address with the mailed code',
  'GET /api/v1/profile/preferences': 'My notification preferences',
  'PATCH /api/v1/profile/preferences':
    'Change my notification preferences (weekly digest, quiet hours)',
  'GET /api/v1/profile/sign-ins': 'My sign-in history',
  'GET /api/v1/profile/sessions': 'My sessions',
  'DELETE /api/v1/profile/sessions/:id': 'Revoke one of my sessions',
  'POST /api/v1/profile/sessions/revoke-others': 'Revoke all my other sessions',
  // users
  'GET /api/v1/users': 'List people (filters, paging)',
  'POST /api/v1/users': 'Create a person (a verification mail is sent)',
  'GET /api/v1/users/:id': 'One person, with stores and status',
  'PATCH /api/v1/users/:id': 'Edit a person’s name, username or stores',
  'PUT /api/v1/users/:id/role': 'Change a person’s role',
  'PUT /api/v1/users/:id/status': 'Disable or enable a person',
  'POST /api/v1/users/:id/unlock': 'Unlock a locked-out person',
  'POST /api/v1/users/:id/verification': 'Send the verification mail again',
  'POST /api/v1/users/:id/password-reset': 'Mail a password reset to the person',
  'POST /api/v1/users/:id/two-factor-reset':
    'Reset a person’s two-step sign-in (lost phone): signs them out, mails a set-up link',
  'GET /api/v1/users/:id/export': 'Export one person’s data (GDPR)',
  'POST /api/v1/users/:id/erase': 'Erase a person (GDPR; audit entries are pseudonymised)',
  // account (no session)
  'POST /api/v1/account/verification/start': 'Check a verification code or link before activating',
  'POST /api/v1/account/verification/complete': 'Activate an account: password and TOTP',
  'POST /api/v1/account/password-reset':
    'Ask for a password reset mail (same answer whether or not the address exists)',
  'POST /api/v1/account/password-reset/check': 'Check a reset code or link',
  'POST /api/v1/account/password-reset/complete':
    'Set a new password with a reset code and a TOTP code',
  'POST /api/v1/account/two-factor/start': 'Check a two-step set-up code or link (after a reset)',
  'POST /api/v1/account/two-factor/complete':
    'Set up two-step sign-in again: password and a code from the new authenticator',
  'POST /api/v1/account/find': 'Find my account: mails the username to the address on file',
  'POST /api/v1/account/email/confirm': 'Confirm an email change from the mailed link',
  'POST /unsubscribe': 'Stop the weekly digest (the link in the mail; also RFC 8058 one-click)',
  // stores and devices
  'GET /api/v1/stores': 'List stores',
  'POST /api/v1/stores': 'Create a store',
  'GET /api/v1/stores/:id': 'One store',
  'PATCH /api/v1/stores/:id': 'Rename a store or change its brand',
  'DELETE /api/v1/stores/:id': 'Delete a store (refused while devices are enrolled)',
  'POST /api/v1/stores/:id/enrollment-codes':
    'Issue a one-time enrollment code for a store PC (15 minutes)',
  'GET /api/v1/stores/:id/devices': 'List a store’s PCs: last sync, app version, pending events',
  'POST /api/v1/devices/:id/revoke': 'Revoke a store PC',
  // policies
  'GET /api/v1/policies': 'The current signed policy, its history and the public key',
  'PUT /api/v1/policies': 'Publish a new policy version',
  // audit and analytics
  'GET /api/v1/audit': 'Search audit entries across stores',
  'GET /api/v1/audit/export': 'Export audit entries as CSV or JSON (streamed)',
  'GET /api/v1/audit/server-events': 'Search the server’s own security events',
  'GET /api/v1/analytics/sign-ins': 'Sign-ins, failures and lockouts per store per day',
  'GET /api/v1/analytics/lockouts': 'Lockouts per store and account',
  'GET /api/v1/analytics/devices-out-of-sync': 'PCs that have not synced for a while',
  'GET /api/v1/analytics/dormant-accounts': 'Accounts nobody has signed in to for a while',
  // sync (store PCs)
  'POST /api/v1/sync/enroll':
    'Enroll a store PC with a one-time code (returns its credential; may hand its people over)',
  'POST /api/v1/sync/enroll/preview':
    'What enrolling with a code would do: the store, its people, names taken (code not used)',
  'GET /api/v1/sync/pull': 'Pull account changes, revocations and the signed policy since a cursor',
  'POST /api/v1/sync/audit': 'Upload a batch of audit entries (idempotent, chain-verified)',
  'POST /api/v1/sync/accounts': 'Upload account changes made offline (idempotent)',
  // operations
  'GET /health': 'Liveness: the process answers',
  'GET /ready': 'Readiness: the database answers',
};
