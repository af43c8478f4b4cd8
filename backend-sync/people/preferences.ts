import { z } from 'zod';

/**
 * Notification preferences, stored as JSON in `users.preferences`.
 * - securityAlerts: always true. Security mail (password reset, email change, …) is essential:
 *   it is how a person learns their account is being taken over, so it cannot be turned off and
 *   ignores quiet hours.
 * - weeklyDigest: the non-essential summary; off until the person opts in.
 * - quietHours: a daily window (local time of `timeZone`) in which non-essential mail waits;
 *   `start` > `end` spans midnight (22:00–07:00).
 */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM (24-hour).');

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const quietHoursSchema = z
  .strictObject({
    start: hhmm,
    end: hhmm,
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'Unknown time zone.').default('UTC'),
  })
  .refine((q) => q.start !== q.end, 'Quiet hours must not start and end at the same time.');

export const preferencesSchema = z.strictObject({
  securityAlerts: z.literal(true),
  weeklyDigest: z.boolean(),
  quietHours: quietHoursSchema.nullable(),
});
export type Preferences = z.infer<typeof preferencesSchema>;

/** A change: any of the fields; `securityAlerts` may be sent back as true, never as false. */
export const preferencesPatchSchema = z
  .strictObject({
    securityAlerts: z.literal(true).optional(),
    weeklyDigest: z.boolean().optional(),
    quietHours: quietHoursSchema.nullable().optional(),
  })
  .refine((p) => p.weeklyDigest !== undefined || p.quietHours !== undefined, 'Nothing to change.');

export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  securityAlerts: true,
  weeklyDigest: false,
  quietHours: null,
}) as Preferences;

/** The stored JSON, read tolerantly: anything unreadable falls back to the defaults. */
export function readPreferences(stored: string): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return { ...DEFAULT_PREFERENCES };
  }
  const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parsed = preferencesSchema.safeParse({
    weeklyDigest: DEFAULT_PREFERENCES.weeklyDigest,
    quietHours: DEFAULT_PREFERENCES.quietHours,
    ...obj,
    securityAlerts: true,
  });
  return parsed.success ? parsed.data : { ...DEFAULT_PREFERENCES };
}

function minutesOf(hm: string): number {
  const [h = '0', m = '0'] = hm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether `nowMs` falls in the person's quiet hours (non-essential mail should wait). */
export function inQuietHours(prefs: Preferences, nowMs: number): boolean {
  const q = prefs.quietHours;
  if (!q) return false;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: q.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(nowMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const now = get('hour') * 60 + get('minute');
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
