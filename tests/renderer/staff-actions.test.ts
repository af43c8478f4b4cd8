import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyholderApi } from '../../common/ipc/contract';
import { decideStaffAction, STAFF_ACTIONS } from '../../common/rbac/offered-actions';
import type { StaffSummary } from '../../renderer/api/types';
import {
  actionKind,
  CONFIRM_TEXT,
  DONE_TEXT,
  needsConfirmation,
  runStaffAction,
  type StaffAction,
} from '../../renderer/features/staff/staff-actions';
import { en } from '../../renderer/i18n/messages.en';
import { ADMIN_PASSWORD, CoreHarness } from '../support/core-harness';
import { signInAdmin, windowApi } from './support/window-api';

/** The staff screen's actions (staff-actions.ts): what is confirmed, and each against the core. */
const ALL: StaffAction[] = [
  { type: 'disable' },
  { type: 'enable' },
  { type: 'reset_password', password: 'x' },
  { type: 'unlock' },
  { type: 'reset_2fa' },
  { type: 'role', role: 'manager' },
];

describe('staff actions', () => {
  it('confirms what takes something away, and words every confirmation and outcome', () => {
    expect(ALL.filter(needsConfirmation).map((a) => a.type)).toEqual([
      'disable',
      'reset_password',
      'reset_2fa',
      'role',
    ]);
    for (const text of Object.values(CONFIRM_TEXT)) {
      for (const key of [text.title, text.body, text.button]) expect(en[key]).toMatch(/\w/);
    }
    expect(new Set(Object.values(DONE_TEXT)).size).toBe(ALL.length);
  });

  it('names each action as the shared offer rule does', () => {
    // Every kind but `create` (its own dialog), in the rule's order.
    expect(ALL.map(actionKind)).toEqual(STAFF_ACTIONS.filter((kind) => kind !== 'create'));
    expect(actionKind({ type: 'role', role: 'admin' })).toBe('change_role');
    // The rule knows every kind: a manager may disable crew on a standalone PC, not an admin.
    const target = { role: 'viewer' as const, self: false };
    expect(decideStaffAction('manager', actionKind(ALL[0]!), target, 'standalone').allowed).toBe(
      true,
    );
    const promote = decideStaffAction('manager', actionKind(ALL[5]!), target, 'standalone');
    expect(promote.allowed).toBe(false);
  });

  describe('against the core', () => {
    let h: CoreHarness;
    let api: KeyholderApi;
    let calls: string[];
    let crew: StaffSummary;
    beforeEach(async () => {
      h = new CoreHarness();
      const { secret } = await h.setUp();
      ({ api, calls } = windowApi(h));
      await signInAdmin(h, api, secret);
      await api.session.confirmPassword({ password: ADMIN_PASSWORD });
      const made = await api.staff.create({
        username: 'cam',
        displayName: 'Cam Crew',
        email: '',
        role: 'viewer',
      });
      if (!made.ok) throw new Error(made.error.code);
      crew = made.data.account;
      calls.length = 0;
    });
    afterEach(() => h.dispose());

    it('disables and enables through the status call', async () => {
      const off = await runStaffAction(api, crew, { type: 'disable' });
      expect(off).toMatchObject({
        ok: true,
        data: { account: { id: crew.id, status: 'disabled' } },
      });
      const on = await runStaffAction(api, crew, { type: 'enable' });
      expect(on).toMatchObject({ ok: true, data: { account: { status: 'active' } } });
      expect(calls).toEqual(['staff.setStatus', 'staff.setStatus']);
    });

    it('changes the role and unlocks, each with its own call', async () => {
      const role = await runStaffAction(api, crew, { type: 'role', role: 'manager' });
      expect(role).toMatchObject({ ok: true, data: { account: { role: 'manager' } } });
      expect(await runStaffAction(api, crew, { type: 'unlock' })).toMatchObject({ ok: true });
      expect(calls).toEqual(['staff.changeRole', 'staff.unlock']);
    });

    it('resets a password with the manager’s own password, and gives the temporary one', async () => {
      const reset = await runStaffAction(api, crew, {
        type: 'reset_password',
        password: ADMIN_PASSWORD,
      });
      if (!reset.ok) throw new Error(reset.error.code);
      expect(reset.data.temporaryPassword).toMatch(/\S{8,}/);
      expect(reset.data.account.id).toBe(crew.id);
      const wrong = await runStaffAction(api, crew, {
        type: 'reset_password',
        password: 'not my password',
      });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    });

    it('passes the core’s refusal on unchanged', async () => {
      const gone = { ...crew, id: '00000000-0000-4000-8000-000000000000' };
      const refused = await runStaffAction(api, gone, { type: 'reset_2fa' });
      expect(refused.ok).toBe(false);
      expect(calls).toEqual(['staff.resetTwoFactor']);
    });
  });
});
