import type { Migration } from './migration';
import { migration001 } from './001-initial';
import { migration002 } from './002-sync';
import { migration003 } from './003-temporary-password-sync';
import { migration004 } from './004-signed-records';
import { migration005 } from './005-store-keys';
import { migration006 } from './006-totp-outbox';
import { migration007 } from './007-clustered-hot-tables';

/**
 * Every migration, in order, statically imported (bundlers and asar need no directory scans).
 * Append only: ids are 1..n without gaps, and released entries never change.
 */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
];
