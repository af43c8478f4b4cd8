import type { Keyholder } from '../../../electron/core/keyholder';
import type { Role } from '../../../common/policy/policy';
import { Authenticator } from './totp';

export interface SeededPerson {
  username: string;
  name: string;
  password: string;
  role: Role;
  /** The person's authenticator, when they enrolled 2FA. */
  phone?: Authenticator;
}

export const SEED_ADMIN: SeededPerson = {
  username: 'ada.admin',
  name: 'Ada Admin',
  password: 'correct horse battery staple',
  role: 'admin',
};
export const SEED_MANAGER: SeededPerson = {
  username: 'max.manager',
  name: 'Max Manager',
  password: 'orange kayak thunder 42',
  role: 'manager',
};
export const SEED_CREW: SeededPerson = {
  username: 'vera.crew',
  name: 'Vera Crew',
  password: 'lilac violin morning tea',
  role: 'viewer',
};
const MORE_CREW = [
  ['sam.shift', 'Sam Shift-Lead'],
  ['lee.barista', 'Lee Barista'],
  ['kim.crew', 'Kim Crew'],
] as const;

type Step = Awaited<ReturnType<Keyholder['signIn']['signIn']>>;

function challengeOf(step: Step, status: Step['status']): string {
  if (step.status !== status || !('challengeId' in step))
    throw new Error(`expected ${status}, got ${step.status}`);
  return step.challengeId;
}

/** Signs a person in through the core with whatever steps they need, then signs them out. */
async function finishSignIn(kh: Keyholder, first: Step, person: SeededPerson): Promise<void> {
  let step = first;
  for (;;) {
    if (step.status === 'signed_in') {
      kh.sessions.end(step.session.sessionId, 'signed_out');
      return;
    }
    if (step.status === 'needs_password_change') {
      step = await kh.signIn.submitNewPassword(step.challengeId, person.password);
    } else if (step.status === 'needs_totp_enrollment') {
      const id = step.challengeId;
      const enrollment = await kh.signIn.beginEnrollment(id);
      person.phone = new Authenticator(enrollment.manualKey);
      step = await kh.signIn.confirmEnrollment(id, (await person.phone.nextCode()).code);
    } else {
      if (!person.phone) throw new Error(`${person.username} has no authenticator`);
      step = await kh.signIn.submitCode(step.challengeId, (await person.phone.nextCode()).code);
    }
  }
}

/**
 * A store that has been in use for a while, built through the real core (fast, no UI): the
 * admin with 2FA, a manager with 2FA, crew who chose their passwords, one who has not yet.
 * Returns copies of the people with their authenticators.
 */
export async function seedStore(kh: Keyholder) {
  const admin = { ...SEED_ADMIN };
  const manager = { ...SEED_MANAGER };
  const crew = { ...SEED_CREW };
  const created = await kh.firstRun.createFirstAdmin({
    profile: 'standard',
    storeName: 'Maple Street',
    brandName: 'Northwind Coffee',
    username: admin.username,
    displayName: admin.name,
    email: 'ada@example.test',
    password: admin.password,
  });
  const adminChallenge = challengeOf(created, 'needs_totp_enrollment');
  const enrollment = await kh.signIn.beginEnrollment(adminChallenge);
  admin.phone = new Authenticator(enrollment.manualKey);
  const adminIn = await kh.signIn.confirmEnrollment(
    adminChallenge,
    (await admin.phone.nextCode()).code,
  );
  if (adminIn.status !== 'signed_in') throw new Error('admin not signed in');
  const session = adminIn.session.sessionId;

  for (const person of [manager, crew]) {
    const { temporaryPassword } = await kh.staff.create(session, {
      username: person.username,
      displayName: person.name,
      email: '',
      role: person.role,
    });
    await finishSignIn(kh, await kh.signIn.signIn(person.username, temporaryPassword), person);
  }
  const pending: { username: string; temporaryPassword: string }[] = [];
  for (const [username, displayName] of MORE_CREW) {
    const made = await kh.staff.create(session, {
      username,
      displayName,
      email: '',
      role: 'viewer',
    });
    pending.push({ username, temporaryPassword: made.temporaryPassword });
  }
  kh.sessions.end(session, 'signed_out');
  /** Crew who have a temporary password and have not signed in yet. */
  return { admin, manager, crew, pending };
}
