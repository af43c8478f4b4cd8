import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServerClock } from '../clock';
import type { ClientMeta } from '../auth/token.service';
import type { DB } from '../db/schema';
import type { ServerAudit } from '../services/server-audit';
import { nextChangeSeq } from '../services/change-seq';
import { clientOf } from './people-deps';
import { readPreferences, type Preferences } from './preferences';

/** HKDF label of the key that signs unsubscribe links (keys/signing-keys.ts derivedSecret). */
export const UNSUBSCRIBE_KEY_LABEL = 'keyholder/sync/digest-unsubscribe/v1';

const TOKEN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/**
 * The unsubscribe link of the weekly digest: `PUBLIC_URL/unsubscribe?token=<user id>.<mac>`,
 * where mac = HMAC-SHA256(server key, "unsubscribe:v1:<user id>").
 *
 * Nothing is stored and the link works any number of times, without signing in: all it can do
 * is turn one person's weekly digest off, which is what an unsubscribe link must do (RFC 8058
 * one-click included). It cannot be forged for another person without the server's key, and
 * reveals nothing but that person's id. It lives in the query string (mail clients' one-click
 * POST needs it in the URL), so it can appear in proxy logs; its worst use is the same
 * unsubscription.
 */
export class UnsubscribeLinks {
  constructor(
    private readonly key: Buffer,
    private readonly publicUrl: string,
  ) {}

  token(userId: string): string {
    return `${userId}.${this.mac(userId)}`;
  }

  link(userId: string): string {
    const base = this.publicUrl.endsWith('/') ? this.publicUrl : `${this.publicUrl}/`;
    const url = new URL('unsubscribe', base);
    url.searchParams.set('token', this.token(userId));
    return url.toString();
  }

  /** The user id a token was made for, or null when it is not one of ours. */
  verify(token: string): string | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const [, userId, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(userId), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
  }

  private mac(userId: string): string {
    return createHmac('sha256', this.key).update(`unsubscribe:v1:${userId}`).digest('base64url');
  }
}

/**
 * Turns the weekly digest off for `userId` (no session: the link is the proof). Audited like a
 * preference change the person made, with `via: 'unsubscribe_link'`. Returns false when there is
 * no such account any more (erased): nothing to do, and the page says the same either way.
 */
export async function unsubscribeFromDigest(
  deps: { db: Kysely<DB>; clock: ServerClock; audit: ServerAudit },
  userId: string,
  meta: ClientMeta,
): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const u = await trx
      .selectFrom('users')
      .select(['preferences', 'erased_at'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!u || u.erased_at !== null) return false;
    const before = readPreferences(u.preferences);
    if (!before.weeklyDigest) return true;
    const after: Preferences = { ...before, weeklyDigest: false };
    await trx
      .updateTable('users')
      .set({
        preferences: JSON.stringify(after),
        updated_at: deps.clock.nowMs(),
        change_seq: await nextChangeSeq(trx, 'users'),
      })
      .where('id', '=', userId)
      .execute();
    await deps.audit.write(
      {
        action: 'profile.preferences',
        outcome: 'success',
        actorId: userId,
        targetId: userId,
        details: {
          before,
          after,
          via: 'unsubscribe_link',
          ...clientOf(meta),
        },
      },
      trx,
    );
    return true;
  });
}
