import { describe, expect, it } from 'vitest';
import { keepsAWayIn, planHandover, type LocalPersonForPlan } from '../../common/sync/handover';

const person = (username: string, over: Partial<LocalPersonForPlan> = {}): LocalPersonForPlan => ({
  id: `id-${username}`,
  username,
  displayName: username,
  email: `${username}@pc.example`,
  role: 'viewer',
  status: 'active',
  verified: true,
  ...over,
});

describe('the handover plan (one rule for the PC and the server)', () => {
  const server = {
    assignedUsernames: ['mia.m'],
    takenUsernames: ['oak.crew'],
    takenEmails: ['Taken@Elsewhere.example'],
  };

  it('says, per person, what connecting does and why', () => {
    const plan = planHandover(
      [
        person('ada', { role: 'admin' }),
        person('ben', { role: 'manager' }),
        person('cam'),
        person('mia.m', { verified: false }),
        person('dee', { status: 'disabled' }),
        person('eve', { email: ' ' }),
        person('oak.crew'),
        person('fay', { email: 'taken@elsewhere.example' }),
        person('gus', { verified: false }),
      ],
      server,
    );
    expect(plan.map((e) => [e.username, e.outcome, e.reason, e.serverRole])).toEqual([
      ['ada', 'handed_over', 'role_lowered', 'manager'],
      ['ben', 'handed_over', 'new', 'manager'],
      ['cam', 'handed_over', 'new', 'viewer'],
      ['mia.m', 'kept', 'same_username', 'viewer'],
      ['dee', 'not_handed_over', 'disabled', 'viewer'],
      ['eve', 'not_handed_over', 'no_email', 'viewer'],
      ['oak.crew', 'not_handed_over', 'username_taken', 'viewer'],
      ['fay', 'not_handed_over', 'email_taken', 'viewer'],
      ['gus', 'not_handed_over', 'record_check_failed', 'viewer'],
    ]);
  });

  it('whoever connects keeps a way in only when handed over or kept', () => {
    const plan = planHandover(
      [person('ada'), person('mia.m'), person('eve', { email: '' })],
      server,
    );
    expect(keepsAWayIn(plan, 'id-ada')).toBe(true);
    expect(keepsAWayIn(plan, 'id-mia.m')).toBe(true);
    expect(keepsAWayIn(plan, 'id-eve')).toBe(false);
    expect(keepsAWayIn(plan, 'id-nobody')).toBe(false);
  });
});
