import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/policy/policy';
import { ROLES } from '../../../common/policy/policy';
import {
  decideStaffAction,
  STAFF_ACTIONS,
  type PcMode,
  type StaffActionKind,
} from '../../../common/rbac/offered-actions';
import type { Keyholder } from '../../../electron/core/keyholder';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import { createPerson, createStore } from '../../backend/stores/support/admin-api';
import { ADMIN_PASSWORD, CoreHarness } from '../../support/core-harness';
import { signInFully } from '../../support/sign-in-fully';
import { startSyncWorld, TestPc, type SyncWorld } from '../sync/support/sync-world';

/**
 * The screens offer a staff action exactly when the core accepts it: for every actor role ×
 * target (each role, and oneself) × PC mode × action, the real core is asked to do it, and
 * whether it accepted must be what common/rbac/offered-actions.ts decided, with the refusal
 * the decision names. Targets are other accounts than the actors, so an accepted action (a
 * disable, a reset) never ends an actor's session; disable runs before enable, so the state
 * comes back, and role changes ask for the role the target already has.
 */

/** What the core answers for each refusal the decision can give. */
const REFUSAL_CODE: Record<string, string> = {
  no_permission: 'forbidden',
  outranked: 'forbidden',
  own_account: 'not_on_self',
  in_admin_area: 'managed_by_server',
  ask_server_admin: 'server_admin_only',
  pc_revoked: 'device_revoked',
};

interface Actor {
  role: Role;
  sessionId: string;
  accountId: string;
  password: string;
}

async function attempt(
  kh: Keyholder,
  actor: Actor,
  action: StaffActionKind,
  target: { id: string; role: Role },
  n: number,
): Promise<string> {
  const s = actor.sessionId;
  try {
    switch (action) {
      case 'create':
        await kh.staff.create(s, {
          username: `new.${n}`,
          displayName: 'New Person',
          email: '',
          role: target.role,
        });
        break;
      case 'disable':
        kh.staff.setStatus(s, target.id, 'disabled');
        break;
      case 'enable':
        kh.staff.setStatus(s, target.id, 'active');
        break;
      case 'reset_password':
        await kh.staff.resetPassword(s, target.id, actor.password);
        break;
      case 'unlock':
        kh.staff.unlock(s, target.id);
        break;
      case 'reset_2fa':
        kh.staff.resetTwoFactor(s, target.id);
        break;
      case 'change_role':
        kh.staff.changeRole(s, target.id, target.role);
        break;
    }
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Every actor × target × action on one PC in one mode; returns the mismatches. */
async function sweep(
  kh: Keyholder,
  mode: PcMode,
  actors: Actor[],
  targets: Record<Role, string>,
): Promise<string[]> {
  expect(kh.device.pcMode()).toBe(mode);
  const wrong: string[] = [];
  let n = 0;
  for (const actor of actors) {
    const cases = [
      ...ROLES.map((role) => ({ role, id: targets[role], self: false })),
      { role: actor.role, id: actor.accountId, self: true },
    ];
    for (const target of cases)
      for (const action of STAFF_ACTIONS) {
        n += 1;
        const decision = decideStaffAction(actor.role, action, target, mode);
        const expected = decision.allowed ? 'accepted' : REFUSAL_CODE[decision.reason];
        // Creating oneself means nothing: a create's target is the new person's role.
        if (action === 'create' && target.self) continue;
        const got = await attempt(kh, actor, action, target, n);
        if (got !== expected)
          wrong.push(
            `${mode} ${actor.role} ${action} ${target.role}${target.self ? ' (self)' : ''}: ${got}, decided ${expected}`,
          );
      }
  }
  expect(n).toBe(actors.length * (ROLES.length + 1) * STAFF_ACTIONS.length);
  return wrong;
}

describe('offered staff actions and the core agree', () => {
  it('on a standalone PC', async () => {
    const h = new CoreHarness();
    try {
      const { secret } = await h.setUp();
      const ada = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
      const made: Partial<Record<string, { id: string; temporaryPassword: string }>> = {};
      for (const [username, role] of [
        ['act.manager', 'manager'],
        ['act.viewer', 'viewer'],
        ['t.admin', 'admin'],
        ['t.manager', 'manager'],
        ['t.viewer', 'viewer'],
      ] as const) {
        const r = await h.kh.staff.create(ada.sessionId, {
          username,
          displayName: username,
          email: '',
          role,
        });
        made[username] = { id: r.account.id, temporaryPassword: r.temporaryPassword };
      }
      const actors: Actor[] = [
        {
          role: 'admin',
          sessionId: ada.sessionId,
          accountId: ada.accountId,
          password: ADMIN_PASSWORD,
        },
      ];
      for (const username of ['act.manager', 'act.viewer']) {
        const m = made[username]!;
        const { session, password } = await signInFully(
          h,
          username,
          m.temporaryPassword,
          username === 'act.manager' ? 'orange kayak thunder 42' : 'lilac violin morning tea',
        );
        actors.push({
          role: session.role,
          sessionId: session.sessionId,
          accountId: m.id,
          password,
        });
      }
      const targets = {
        admin: made['t.admin']!.id,
        manager: made['t.manager']!.id,
        viewer: made['t.viewer']!.id,
      };
      expect(await sweep(h.kh, 'standalone', actors, targets)).toEqual([]);
    } finally {
      h.dispose();
    }
  });

  describe('on a PC connected to a real sync server, then revoked', () => {
    let world: SyncWorld;
    let pc: TestPc;
    beforeAll(async () => {
      world = await startSyncWorld('sqlite');
    });
    afterAll(async () => {
      pc?.dispose();
      await world?.close();
    });

    it('connected, and revoked', async () => {
      const maple = await createStore(world.api, 'Maple Street');
      const people = {} as Record<string, Awaited<ReturnType<typeof createPerson>>>;
      for (const [key, role] of [
        ['act.admin', 'admin'],
        ['act.manager', 'manager'],
        ['act.viewer', 'viewer'],
        ['t.admin', 'admin'],
        ['t.manager', 'manager'],
        ['t.viewer', 'viewer'],
      ] as const)
        people[key] = await createPerson(world.api, { role, stores: [maple] });
      pc = new TestPc(world);
      await pc.connect(world, maple);
      const actors: Actor[] = [];
      for (const key of ['act.admin', 'act.manager', 'act.viewer']) {
        const p = people[key]!;
        const session = await pc.signInWithCode(p.username, PASSWORD, p.secret);
        actors.push({
          role: session.role,
          sessionId: session.sessionId,
          accountId: session.accountId,
          password: PASSWORD,
        });
      }
      const targets = {
        admin: people['t.admin']!.id,
        manager: people['t.manager']!.id,
        viewer: people['t.viewer']!.id,
      };
      expect(await sweep(pc.kh, 'connected', actors, targets)).toEqual([]);

      await world.api.s.database.db
        .updateTable('devices')
        .set({ revoked_at: world.api.clock.nowMs() })
        .where('id', '=', pc.kh.deviceId)
        .execute();
      expect((await pc.kh.sync.syncNow()).state).toBe('revoked');
      expect(await sweep(pc.kh, 'revoked', actors, targets)).toEqual([]);
    });
  });
});
