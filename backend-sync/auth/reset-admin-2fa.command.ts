import type { ServerClock } from '../clock';
import type { Database } from '../db/database';
import { ServerAudit } from '../services/server-audit';
import { PasswordHasher } from './password-hasher';
import { defaultPolicyFor } from './policy-source';
import { ResetAdminTwoFactorError, SETUP_CODE_TTL_MS, SetupService } from './setup.service';

/**
 * `npm run server -- reset-admin-2fa --email ADDRESS` — operator recovery for an admin who lost
 * their authenticator (there is no network path for this: whoever runs it has the server's data).
 * Clears the admin's TOTP key, revokes their sessions, lifts a sign-in lock, audits
 * (`admin.two_factor_reset`), and prints a one-time setup code (1 hour). The admin enrolls a new
 * authenticator with it through /api/v1/auth/setup/start and /setup/complete, typing their
 * *current* password there: the password does not change. Exit code 0, or 2 with a reason.
 */
export async function resetAdminTwoFactorCommand(
  database: Database,
  args: { email: string | undefined },
  io: { clock: ServerClock; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  if (!args.email) {
    io.err('reset-admin-2fa needs --email ADDRESS');
    return 2;
  }
  const setup = new SetupService({
    db: database.db,
    clock: io.clock,
    hasher: new PasswordHasher(),
    audit: new ServerAudit(database.db, io.clock),
    policyFor: defaultPolicyFor,
  });
  try {
    const reset = await setup.resetAdminTwoFactor({ email: args.email });
    // The code is printed once, to the operator's terminal only; it is stored hashed.
    io.out(
      [
        `Two-step sign-in of ${args.email.trim().toLowerCase()} was reset: ${reset.revokedSessions} session(s) signed out.`,
        `One-time setup code (valid for ${SETUP_CODE_TTL_MS / 60_000} minutes, shown only now):`,
        '',
        `    ${reset.setupCode}`,
        '',
        'Give it to the admin over a trusted channel. With it they set up a new authenticator',
        '(setup start, then complete with their current password, which does not change).',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ResetAdminTwoFactorError)) throw error;
    io.err(error.message);
    return 2;
  }
}
