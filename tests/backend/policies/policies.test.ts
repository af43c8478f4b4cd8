import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROFILE_WARNINGS, type PolicyDocument } from '../../../common/policy';
import {
  policySigningInput,
  SYNC_API_PREFIX,
  type SignedPolicy,
} from '../../../common/sync/protocol';
import { checkSignedPolicy } from '../../../electron/core/sync/policy-verifier';
import { expectGenericError } from '../auth/support/auth-helpers';
import { describeEachDialect } from '../support/server-harness';
import {
  call,
  createPerson,
  createStore,
  enrollPc,
  rowCounts,
  serverEvents,
  signInAs,
  startAdminApi,
  type AdminApi,
  type EnrolledPc,
} from '../stores/support/admin-api';

const roles = (
  viewer: PolicyDocument['roles']['viewer'],
  manager: PolicyDocument['roles']['manager'] = { profile: 'standard' },
): PolicyDocument['roles'] => ({ admin: { profile: 'standard' }, manager, viewer });

interface PoliciesView {
  current: SignedPolicy;
  warnings: { profile: string; roles: string[]; message: string }[];
  publicKey: { pem: string; keyId: string };
  history: {
    version: number;
    createdBy: { id: string } | null;
    profiles: Record<string, string>;
  }[];
}

describeEachDialect('policies', (dialect) => {
  let api: AdminApi;
  let manager: string;
  let pc: EnrolledPc;
  beforeAll(async () => {
    api = await startAdminApi(dialect);
    const store = await createStore(api, 'Maple Street');
    manager = await signInAs(api, await createPerson(api, { role: 'manager', stores: [store] }));
    pc = await enrollPc(api, store);
  });
  afterAll(() => api.s.close());

  const view = async (token = api.admin) => {
    const r = await call(api.s, 'GET', '/api/v1/policies', token);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<PoliciesView>();
  };
  const publish = (body: unknown, token = api.admin) =>
    call(api.s, 'PUT', '/api/v1/policies', token, body);
  const pulledPolicy = async (policyVersion?: number) => {
    const q = policyVersion === undefined ? '' : `&policyVersion=${policyVersion}`;
    const r = await call(
      api.s,
      'GET',
      `${SYNC_API_PREFIX}/pull?since=0${q}`,
      null,
      undefined,
      pc.auth,
    );
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ policy: SignedPolicy | null }>().policy;
  };

  it('starts at a signed version 1 (Standard everywhere), served with the key devices pinned', async () => {
    const v = await view();
    expect(v.current).toMatchObject({
      version: 1,
      document: {
        version: 1,
        roles: {
          admin: { profile: 'standard' },
          manager: { profile: 'standard' },
          viewer: { profile: 'standard' },
        },
      },
    });
    expect(v.publicKey.pem).toBe(pc.serverPublicKey);
    expect(v.warnings).toEqual([]);
    expect(v.history).toMatchObject([{ version: 1, createdBy: null }]);
    expect(checkSignedPolicy(v.current, pc.serverPublicKey)).toEqual({
      ok: true,
      bundle: v.current,
    });
    expect(await pulledPolicy()).toEqual(v.current);
    // Managers read the policy; they cannot change it.
    expect((await view(manager)).current).toEqual(v.current);
  });

  it('each change is version + 1, signed, audited; Classic returns its warning', async () => {
    const r = await publish({
      basedOnVersion: 1,
      roles: roles(
        { profile: 'classic' },
        { profile: 'pci', overrides: { lockout: { threshold: 5 } } },
      ),
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{
      policy: SignedPolicy;
      warnings: PoliciesView['warnings'];
      unchanged: boolean;
    }>();
    expect(body.unchanged).toBe(false);
    expect(body.policy.version).toBe(2);
    expect(body.policy.document.version).toBe(2);
    expect(body.policy.issuedAt).toBe(api.clock.nowMs());
    expect(body.warnings).toEqual([
      { profile: 'classic', roles: ['viewer'], message: PROFILE_WARNINGS.classic },
    ]);
    const [event] = await serverEvents(api.s, 'policy.change');
    expect(event).toMatchObject({
      actorId: api.adminId,
      outcome: 'success',
      details: {
        version: 2,
        previousVersion: 1,
        profiles: { admin: 'standard', manager: 'pci', viewer: 'classic' },
        overriddenRoles: ['manager'],
        warningsShown: [{ profile: 'classic', roles: ['viewer'] }],
        changes: expect.arrayContaining([
          { role: 'manager', field: 'profile', before: 'standard', after: 'pci' },
          { role: 'manager', field: 'lockout.threshold', before: 10, after: 5 },
          { role: 'viewer', field: 'profile', before: 'standard', after: 'classic' },
        ]),
      },
    });
    const changes = (event!.details as { changes: { role: string }[] }).changes;
    expect(changes.some((c) => c.role === 'admin')).toBe(false);

    // The bundle verifies with the pinned key, only as a newer version, and only untouched.
    const pem = pc.serverPublicKey;
    expect(checkSignedPolicy(body.policy, pem, 1).ok).toBe(true);
    expect(checkSignedPolicy(body.policy, pem, 2)).toEqual({
      ok: false,
      reason: 'not_newer',
    });
    const tampered: SignedPolicy[] = [
      {
        ...body.policy,
        document: { ...body.policy.document, roles: roles({ profile: 'standard' }) },
      },
      { ...body.policy, version: 3, document: { ...body.policy.document, version: 3 } },
      { ...body.policy, issuedAt: body.policy.issuedAt + 1 },
      {
        ...body.policy,
        signature: Buffer.from(body.policy.signature, 'base64').fill(0, 0, 4).toString('base64'),
      },
    ];
    for (const bundle of tampered) {
      expect(checkSignedPolicy(bundle, pem)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    // Signed by another key (an attacker's server): refused with the pinned key.
    const other = generateKeyPairSync('ed25519');
    const { signature: _s, ...unsigned } = body.policy;
    const forged = {
      ...unsigned,
      signature: sign(null, Buffer.from(policySigningInput(unsigned)), other.privateKey).toString(
        'base64',
      ),
    };
    expect(checkSignedPolicy(forged, pem).ok).toBe(false);
    expect(
      checkSignedPolicy(forged, other.publicKey.export({ type: 'spki', format: 'pem' }).toString())
        .ok,
    ).toBe(true);
    expect(checkSignedPolicy({ ...body.policy, signature: undefined }, pem)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkSignedPolicy({ ...body.policy, extra: 1 }, pem)).toEqual({
      ok: false,
      reason: 'malformed',
    });

    // Pulls carry the new bundle unless the PC already has it.
    expect(await pulledPolicy()).toEqual(body.policy);
    expect(await pulledPolicy(1)).toEqual(body.policy);
    expect(await pulledPolicy(2)).toBeNull();

    const v = await view();
    expect(v.current).toEqual(body.policy);
    expect(v.warnings).toEqual(body.warnings);
    expect(v.history.map((h) => h.version)).toEqual([2, 1]);
    expect(v.history[0]).toMatchObject({
      createdBy: { id: api.adminId },
      profiles: { admin: 'standard', manager: 'pci', viewer: 'classic' },
    });
  });

  it('an unchanged document makes no version; an outdated edit is a conflict', async () => {
    const current = (await view()).current;
    const same = await publish({ roles: current.document.roles });
    expect(same.json()).toMatchObject({ unchanged: true, policy: current });
    expectGenericError(
      await publish({ basedOnVersion: 1, roles: roles({ profile: 'standard' }) }),
      409,
      'policy_conflict',
    );
    expect((await view()).current.version).toBe(current.version);

    // Two admins saving at once: distinct, consecutive versions, or a conflict — never a mix.
    const [a, b] = await Promise.all([
      publish({ roles: roles({ profile: 'pci' }) }),
      publish({ roles: roles({ profile: 'standard' }) }),
    ]);
    const ok = [a, b].filter((r) => r.statusCode === 200);
    for (const r of [a, b]) expect([200, 409]).toContain(r.statusCode);
    const versions = ok.map((r) => r.json<{ policy: SignedPolicy }>().policy.version).sort();
    expect(new Set(versions).size).toBe(versions.length);
    const stored = (await view()).history.map((h) => h.version);
    expect(stored).toEqual([...Array(stored.length).keys()].map((i) => stored.length - i));
  });

  it('refuses invalid documents and non-admins, writing nothing', async () => {
    const before = await rowCounts(api.s, ['policies', 'server_audit']);
    const bad = [
      { roles: roles({ profile: 'classic', overrides: { password: { minLength: 4 } } }) },
      { roles: roles({ profile: 'standard', overrides: { password: { maxLength: 32 } } }) },
      { roles: roles({ profile: 'standard', overrides: { password: { minLength: 200 } } }) },
      { roles: roles({ profile: 'standard', overrides: { lockout: { threshold: 1 } } }) },
      { roles: roles({ profile: 'standard', overrides: { shiny: true } } as never) },
      { roles: { admin: { profile: 'standard' }, manager: { profile: 'standard' } } },
      { roles: roles({ profile: 'standard' }), version: 99 },
      { basedOnVersion: 0, roles: roles({ profile: 'standard' }) },
      { document: roles({ profile: 'standard' }) },
    ];
    for (const body of bad) expectGenericError(await publish(body), 400);
    expectGenericError(await publish({ roles: roles({ profile: 'pci' }) }, manager), 403);
    expect(await rowCounts(api.s, ['policies', 'server_audit'])).toEqual(before);
  });
});
