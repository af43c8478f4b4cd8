import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNC_API_PREFIX, type PullResponse } from '../../../common/sync/protocol';
import { PasswordHasher } from '../../../backend-sync/auth/password-hasher';
import { newTotpSecret } from '../../../backend-sync/auth/totp';
import { TotpSecretBox, TotpSecretError } from '../../../backend-sync/auth/totp-secret-box';
import { insertTestUser } from '../support/user-factory';
import {
  call,
  createStore,
  enrollPc,
  startAdminApi,
  type AdminApi,
} from '../stores/support/admin-api';
import { describeEachDialect, openTotpSecret } from '../support/server-harness';
import { PASSWORD, signIn } from './support/auth-helpers';

/**
 * TOTP secrets at rest (auth/totp-secret-box.ts): sealed with AES-256-GCM under a key derived
 * from the signing key, so a copy of the database holds nobody's second factor, while sign-in
 * and the store PCs (which verify codes offline) still get the secret itself.
 */
it('seals with a fresh IV each time, opens only what it sealed, and passes a legacy value through', () => {
  const box = new TotpSecretBox(randomBytes(32));
  const secret = newTotpSecret();
  const a = box.seal(secret);
  const b = box.seal(secret);
  expect(a).toMatch(/^kh1\.[A-Za-z0-9_-]+$/);
  expect(a).not.toBe(b);
  expect(a).not.toContain(secret);
  expect([box.open(a), box.open(b)]).toEqual([secret, secret]);
  expect(box.open(secret)).toBe(secret); // written in the clear by an earlier version

  const flipped = `${a.slice(0, -3)}${a.at(-3) === 'A' ? 'B' : 'A'}${a.slice(-2)}`;
  expect(() => box.open(flipped)).toThrow(TotpSecretError);
  expect(() => box.open('kh1.short')).toThrow(TotpSecretError);
  expect(() => new TotpSecretBox(randomBytes(32)).open(a)).toThrow(TotpSecretError);
  expect(() => new TotpSecretBox(randomBytes(16))).toThrow();
});

describeEachDialect('TOTP secrets at rest', (dialect) => {
  let api: AdminApi;
  let store: string;
  const legacy = { id: randomUUID(), email: '', secret: newTotpSecret() };
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    store = await createStore(api, 'Maple Street');
  });
  afterAll(() => api.s.close());

  it('stores the enrolled secret sealed, and the sign-in opens it', async () => {
    const row = await api.s.database.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', api.adminId)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toMatch(/^kh1\./);
    expect(row.totp_secret).not.toContain(api.adminSecret);
    expect(openTotpSecret(api.s, row.totp_secret)).toBe(api.adminSecret);
    await signIn(api, api.adminEmail, api.adminSecret); // 200, asserted inside
  });

  it('seals a secret an earlier version stored in the clear at start-up; PCs still get it', async () => {
    const db = api.s.database.db;
    const now = api.clock.nowMs();
    legacy.email = `legacy.${randomBytes(3).toString('hex')}@example.com`;
    const passwordHash = await new PasswordHasher().hash(PASSWORD);
    await db.transaction().execute((tx) =>
      insertTestUser(tx, {
        id: legacy.id,
        email: legacy.email,
        username: legacy.email.split('@')[0]!,
        displayName: 'Legacy Crew',
        role: 'manager',
        passwordHash,
        // In the clear, as an earlier version stored it.
        totpSecret: legacy.secret,
        stores: [store],
        now,
      }),
    );
    // Still in the clear, and still usable, until the server starts again.
    await signIn(api, legacy.email, legacy.secret);

    await api.s.restart();
    const stored = await api.s.database.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', legacy.id)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).toMatch(/^kh1\./);
    expect(openTotpSecret(api.s, stored.totp_secret)).toBe(legacy.secret);
    await signIn(api, legacy.email, legacy.secret);

    // A store PC checks codes offline: its pull carries the secret itself.
    const pc = await enrollPc(api, store, { name: 'Till 1' });
    const pulled = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=0&policyVersion=1`,
      null,
      undefined,
      pc.auth,
    );
    expect(pulled.statusCode, pulled.body).toBe(200);
    const account = pulled.json<PullResponse>().accounts.find((a) => a.id === legacy.id);
    expect(account?.totpSecret).toBe(legacy.secret);
  });

  it.runIf(dialect === 'sqlite')('leaves no secret in a copy of the database file', async () => {
    const copy = join(api.s.dataDir, `copy-${randomBytes(3).toString('hex')}.db`);
    await api.s.database.backupTo!(copy);
    const bytes = readFileSync(copy).toString('latin1');
    expect(bytes).toContain(legacy.email); // the copy is readable
    expect(bytes).not.toContain(legacy.secret);
    expect(bytes).not.toContain(api.adminSecret);
  });

  it('refuses to treat an unreadable secret as no second factor', async () => {
    // A value changed in the database (or sealed under another signing key) fails closed.
    const box = new TotpSecretBox(randomBytes(32));
    await api.s.database.db
      .updateTable('users')
      .set({ totp_secret: box.seal(legacy.secret) })
      .where('id', '=', legacy.id)
      .execute();
    const r = await call(api.s, 'POST', '/api/v1/auth/sign-in', null, {
      email: legacy.email,
      password: PASSWORD,
      totpCode: '000000',
    });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({
      error: {
        code: 'internal',
        message: 'Something went wrong. Try again later.',
        requestId: expect.any(String),
      },
    });
  });
});
