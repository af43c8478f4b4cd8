import type { ClientMeta } from '../auth/token.service';
import { claimMailSlot } from './mail-cooldown';
import { clientOf, type PeopleDeps } from './people-deps';

/** At most this many people get a "find my account" mail from one request. */
const FIND_MAX_MATCHES = 5;
/**
 * Each person gets at most one "find my account" mail in this window, however many strangers
 * ask: a username does not change, so a second mail would only be noise (or harassment).
 */
export const FIND_ACCOUNT_MAIL_COOLDOWN_MS = 10 * 60_000;

/** Compared forms of names people type: NFKC, case-folded, single spaces. */
export function normalizeName(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase().toLowerCase();
}

/** "Find my account", without a session: people find their username from their name and store. */
export class FindAccountService {
  constructor(private readonly d: PeopleDeps) {}

  /**
   * Name + store → the username, mailed to the address on file. The caller always gets the same
   * answer, before any lookup happens (all of it runs in the background), so neither the body nor
   * the timing says whether someone matched.
   */
  find(displayName: string, storeName: string, meta: ClientMeta): void {
    this.d.mail.later(async () => {
      const wantedStore = normalizeName(storeName);
      const wantedName = normalizeName(displayName);
      const stores = (await this.d.db.selectFrom('stores').select(['id', 'name']).execute()).filter(
        (s) => normalizeName(s.name) === wantedStore,
      );
      const people =
        stores.length === 0
          ? []
          : await this.d.db
              .selectFrom('users as u')
              .innerJoin('user_stores as us', 'us.user_id', 'u.id')
              .innerJoin('stores as s', 's.id', 'us.store_id')
              .select(['u.id', 'u.email', 'u.username', 'u.display_name', 's.name as storeName'])
              .where(
                'us.store_id',
                'in',
                stores.map((s) => s.id),
              )
              .where('u.status', '=', 'active')
              .where('u.erased_at', 'is', null)
              .execute();
      const seen = new Set<string>();
      const matches = people
        .filter((p) => normalizeName(p.display_name) === wantedName)
        .filter((p) => !seen.has(p.id) && seen.add(p.id))
        .slice(0, FIND_MAX_MATCHES);
      const now = this.d.clock.nowMs();
      const mailed = [];
      for (const p of matches) {
        if (
          await claimMailSlot(this.d.db, 'find_account', p.id, now, FIND_ACCOUNT_MAIL_COOLDOWN_MS)
        )
          mailed.push(p);
      }
      await this.d.audit.write({
        action: 'account.find',
        outcome: matches.length > 0 ? 'success' : 'failure',
        targetId: matches.length === 1 ? matches[0]!.id : null,
        details: {
          matched: matches.length,
          ...(mailed.length < matches.length ? { cooldown: matches.length - mailed.length } : {}),
          ...clientOf(meta),
        },
      });
      for (const p of mailed) {
        await this.d.mail.send(p.email, {
          kind: 'find_account',
          name: p.display_name,
          username: p.username,
          storeName: p.storeName,
        });
      }
    });
  }
}
