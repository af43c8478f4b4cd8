import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../renderer/api/types';
import { createRun, DAY_MS, localDay } from '../../renderer/features/admin/admin-run';
import type { MessageKey } from '../../renderer/i18n/messages.en';
import { fr } from '../../renderer/i18n/messages.fr';

/** The admin area's one runner for server calls and its date helper (admin-run.ts). */
const t = (key: MessageKey) => fr[key];

function runner() {
  const seen: string[] = [];
  const run = createRun(
    t,
    () => seen.push('session'),
    () => seen.push('server sign-in'),
  );
  const failing = (code: string): Promise<ApiResult<never>> =>
    Promise.resolve({ ok: false, error: { code, message: 'core words' } });
  return { run, seen, failing };
}

describe('admin runner', () => {
  it('passes an answer through untouched', async () => {
    const { run, seen } = runner();
    const answer = { ok: true as const, data: { stores: [] } };
    expect(await run(Promise.resolve(answer))).toBe(answer);
    expect(seen).toEqual([]);
  });

  it('re-reads the app state when the local session is locked or gone', async () => {
    const { run, seen, failing } = runner();
    for (const code of ['session_locked', 'session_ended', 'session_expired'])
      await run(failing(code));
    expect(seen).toEqual(['session', 'session', 'session']);
  });

  it('brings the server sign-in back when the server session is lost', async () => {
    const { run, seen, failing } = runner();
    const lost = await run(failing('server_sign_in_required'));
    await run(failing('server_not_connected'));
    await run(failing('server_invalid_credentials'));
    expect(seen).toEqual(['server sign-in', 'server sign-in']);
    // In the person's language: the admin area's own words for its codes.
    expect(lost).toEqual({
      ok: false,
      error: {
        code: 'server_sign_in_required',
        message: fr['admin.error.server_sign_in_required'],
      },
    });
  });

  it('keeps the core words for a code the admin area does not word', async () => {
    const { run, failing } = runner();
    expect(await run(failing('invalid_input'))).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'core words' },
    });
  });
});

describe('local day', () => {
  it('reads a date field value as local midnight', () => {
    expect(localDay('2026-03-14')).toBe(new Date(2026, 2, 14).getTime());
    const next = localDay('2026-03-15')!;
    // A day later by the calendar (23 to 25 hours across a clock change).
    expect(Math.abs(next - localDay('2026-03-14')! - DAY_MS)).toBeLessThanOrEqual(3_600_000);
  });

  it('is undefined for anything else than yyyy-mm-dd', () => {
    for (const value of ['', '2026-3-14', '14/03/2026', '2026-03-14T00:00', 'today'])
      expect(localDay(value), value).toBeUndefined();
  });
});
