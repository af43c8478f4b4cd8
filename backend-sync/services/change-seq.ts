import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

/**
 * Next value of a named sequence in `counters` (e.g. 'users' for `users.change_seq`, the sync
 * pull cursor). Call it inside the transaction that makes the change: the counter row stays
 * locked until that transaction commits, so sequence order is commit order and a device
 * pulling `since=N` can never miss a change that commits later with a smaller number.
 */
export async function nextChangeSeq(executor: Kysely<DB>, name: string): Promise<number> {
  const row = await executor
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ value: (eb) => eb('counters.value', '+', 1) }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
