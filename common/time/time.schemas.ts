import { z } from 'zod';

/**
 * The largest time, in milliseconds since the epoch, that a JavaScript `Date` can show
 * (ECMA-262: ±8.64e15 ms, about 275,760 years either side of 1970). A time beyond it has no
 * ISO form (`toISOString` throws), so a report or CSV export that shows it fails mid-stream.
 */
export const DATE_MAX_MS = 8_640_000_000_000_000;

/**
 * A time either side accepts from the other (an audit entry's `at`, an account change's
 * `changedAt`): whole milliseconds from the epoch up to what a `Date` can show.
 */
export const timeMs = () => z.number().int().min(0).max(DATE_MAX_MS);
