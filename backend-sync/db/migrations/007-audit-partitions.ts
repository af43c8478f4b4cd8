import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database';

/**
 * 007 — PostgreSQL: audit_events partitioned by month of `at`. FROZEN once released.
 *
 * Years of uploaded audit entries stay searchable and can be retired a month at a time
 * (reporting/audit-retention.ts detaches and drops a month's partition after archiving it).
 * SQLite keeps its table as it is: nothing here runs there.
 *
 * - Range partitions on `at` (ms since the epoch, UTC months), named audit_events_yYYYYmMM,
 *   for every month of the rows already stored (from 2000 to a year ahead) and for this month
 *   and the next three; a DEFAULT partition takes any other time, so no insert ever fails for
 *   want of a partition. New months are made ahead by reporting/audit-partitions.ts.
 * - A primary key of a partitioned table must contain the partition key, so (device_id, seq)
 *   can no longer be one: the key is (device_id, at, seq). Each (device, seq) is still stored
 *   once because ingest (sync/audit-ingest.service.ts) inserts only seqs above the device's
 *   head, under that device row's lock, and advances the head in the same statement; a
 *   retried entry is compared with the stored one (tests/backend/db/audit-partitions.test.ts).
 * - Indexes for the admin searches, each ending in the keyset order (at, device_id, seq) or
 *   in `at`: every store (at), a store, a device (the key), a person as actor or target, an
 *   action, an outcome.
 * - The rows are copied in this transaction: on a large table, the upgrade takes a while.
 */
export function migration007(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`alter table audit_events rename to audit_events_unpartitioned`.execute(db);
      await sql`create table audit_events (like audit_events_unpartitioned including defaults)
        partition by range (at)`.execute(db);
      await sql`create table audit_events_default partition of audit_events default`.execute(db);
      await sql`
        DO $$
        DECLARE m date;
        BEGIN
          FOR m IN
            SELECT DISTINCT date_trunc('month', to_timestamp(at / 1000.0) AT TIME ZONE 'UTC')::date
              FROM audit_events_unpartitioned
              WHERE at >= 946684800000
                AND at < extract(epoch FROM now() + interval '1 year') * 1000
            UNION
            SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => g))::date
              FROM generate_series(0, 3) g
          LOOP
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%s) TO (%s)',
              'audit_events_' || to_char(m, '"y"YYYY"m"MM'),
              (extract(epoch FROM m::timestamp AT TIME ZONE 'UTC') * 1000)::bigint,
              (extract(epoch FROM (m + interval '1 month')::timestamp AT TIME ZONE 'UTC') * 1000)::bigint);
          END LOOP;
        END $$`.execute(db);
      await sql`insert into audit_events select * from audit_events_unpartitioned`.execute(db);
      await sql`drop table audit_events_unpartitioned`.execute(db);
      await sql`alter table audit_events
        add constraint audit_events_pk primary key (device_id, at, seq)`.execute(db);
      await sql`create index audit_events_at on audit_events (at, device_id, seq)`.execute(db);
      await sql`create index audit_events_store_at
        on audit_events (store_id, at, device_id, seq)`.execute(db);
      await sql`create index audit_events_actor on audit_events (actor_id, at)`.execute(db);
      await sql`create index audit_events_target on audit_events (target_id, at)`.execute(db);
      await sql`create index audit_events_action on audit_events (action, at)`.execute(db);
      await sql`create index audit_events_outcome on audit_events (outcome, at)`.execute(db);
    },
  };
}
