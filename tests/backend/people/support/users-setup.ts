// Shared by the people: accounts tests (users-invite, users-admin): the fields an account
// shows, and the invitations the invite tests leave behind, for the admin tests' list to find.
import { expect } from 'vitest';
import { call, type PeopleServer } from './people-helpers';

/** The fields of an account as the admin API shows it, and nothing else. */
export const USER_KEYS = [
  'createdAt',
  'displayName',
  'email',
  'emailVerified',
  'id',
  'role',
  'status',
  'stores',
  'totpEnabled',
  'updatedAt',
  'username',
];

/**
 * The accounts users-invite.test.ts creates, invited (pending) with the same details: the
 * listing test counts, pages, searches and filters them by store and role.
 */
export async function seedInvitedPeople(
  server: PeopleServer,
  token: string,
  stores: { storeA: string; storeB: string },
): Promise<void> {
  const people = [
    {
      email: 'mia@example.com',
      username: 'mia.manager',
      displayName: 'Mia Manager',
      role: 'manager',
      storeIds: [stores.storeA],
    },
    {
      email: 'vic@example.com',
      username: 'vic',
      displayName: 'Vic Viewer',
      role: 'viewer',
      storeIds: [stores.storeA],
    },
    {
      email: 'eve@example.com',
      username: 'eve',
      displayName: 'Eve Late',
      role: 'viewer',
      storeIds: [stores.storeB],
    },
    {
      email: 'dup@example.com',
      username: 'dup',
      displayName: 'Dup',
      role: 'viewer',
      storeIds: [stores.storeA],
    },
  ];
  for (const body of people) {
    const r = await call(server.s, 'POST', '/users', { token, body });
    expect(r.statusCode, r.body).toBe(201);
  }
}
