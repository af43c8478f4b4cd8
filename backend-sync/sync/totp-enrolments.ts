import type { TotpEnrolledChange } from '../../common/sync/protocol';
import type { TotpSecretBox } from '../auth/totp-secret-box';

/**
 * An authenticator enrolled on a store PC (`totp_enrolled`, sync/account-changes.service.ts).
 * The server takes it only for a person it holds no secret for, and only when nothing decided
 * about their two-step sign-in here since it was made (`users.totp_changed_at`: an admin's reset
 * of a lost phone, an activation): else it is `superseded`, and the PC takes the server's state
 * at its next pull. Taken, it is sealed at rest like any other secret and sent, in the signed
 * record, to every PC of the person's stores.
 */
export function totpEnrolmentReason(
  user: { totp_secret: string | null; totp_changed_at: number | null },
  changedAt: number,
): 'applied' | 'older_than_server' {
  if (user.totp_secret !== null) return 'older_than_server';
  const decided = user.totp_changed_at === null ? null : Number(user.totp_changed_at);
  return decided !== null && changedAt <= decided ? 'older_than_server' : 'applied';
}

/** The columns an enrolment taken sets (the caller adds change_seq and updated_at). */
export function totpEnrolmentColumns(
  box: TotpSecretBox,
  change: TotpEnrolledChange,
  changedAt: number,
) {
  return {
    totp_secret: box.seal(change.totpSecret),
    // The PC tracks the steps it accepted; the server's own sign-in starts afresh.
    totp_last_step: 0,
    totp_changed_at: changedAt,
  };
}
