import { describe, expect, it } from 'vitest';
import {
  credentialOf,
  signedByCredential as serverVerifies,
} from '../../backend-sync/auth/credential-key';
import {
  accountChangeSigningInput,
  credentialSchema,
  mayAuthorize,
} from '../../common/identity/credential';
import {
  deriveCredential,
  newCredential,
  signText,
  signedByCredential,
} from '../../electron/core/crypto/credential-key';

const SALT = Buffer.alloc(16, 7).toString('base64');

describe('credential keys: one rule, derived alike on the PC and the server', () => {
  it('the same password and salt give the same key on both sides; another password does not', async () => {
    const pc = await deriveCredential('maple street opens at six', SALT);
    expect(await credentialOf('maple street opens at six', SALT)).toEqual(pc.credential);
    expect((await deriveCredential('maple street opens at 6', SALT)).credential.key).not.toBe(
      pc.credential.key,
    );
    expect(credentialSchema.safeParse(pc.credential).success).toBe(true);
    // A fresh credential has its own salt, so the same password gives another key.
    expect((await newCredential('maple street opens at six')).credential.key).not.toBe(
      pc.credential.key,
    );
  });

  it('a change signed by the password’s key verifies on both sides, and only unchanged', async () => {
    const { credential, signingKey } = await deriveCredential('a long passphrase here', SALT);
    const change = {
      accountId: '2b1f0c7e-3f0a-4c55-9b1e-2d1a4f7f0c11',
      kind: 'password_changed' as const,
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA',
      credential: null,
      changedAt: 1_800_000_000_000,
      mustChangePassword: false,
      temporaryUntil: null,
    };
    const text = accountChangeSigningInput(null, change, change.accountId);
    const signature = signText(signingKey, text);
    expect(signedByCredential(credential, text, signature)).toBe(true);
    expect(serverVerifies(credential, text, signature)).toBe(true);
    const other = accountChangeSigningInput(
      null,
      { ...change, passwordHash: 'x' },
      change.accountId,
    );
    expect(serverVerifies(credential, other, signature)).toBe(false);
    expect(serverVerifies({ ...credential, key: 'AAAA' }, text, signature)).toBe(false);
  });

  it('who may authorize what: owners their own password, managers crew, admins anyone', () => {
    const person = (id: string, role: 'admin' | 'manager' | 'viewer', status = 'active') => ({
      id,
      role,
      status,
    });
    const crew = person('c', 'viewer');
    const manager = person('m', 'manager');
    const admin = person('a', 'admin');
    expect(mayAuthorize('password_changed', crew, crew)).toBe(true);
    expect(mayAuthorize('password_changed', manager, crew)).toBe(false);
    expect(mayAuthorize('password_reset', manager, crew)).toBe(true);
    expect(mayAuthorize('password_reset', manager, person('m2', 'manager'))).toBe(false);
    expect(mayAuthorize('password_reset', manager, admin)).toBe(false);
    expect(mayAuthorize('password_reset', admin, manager)).toBe(true);
    expect(mayAuthorize('password_reset', admin, admin)).toBe(false);
    expect(mayAuthorize('password_reset', person('m3', 'manager', 'disabled'), crew)).toBe(false);
    expect(
      mayAuthorize(
        'password_changed',
        person('c2', 'viewer', 'disabled'),
        person('c2', 'viewer', 'disabled'),
      ),
    ).toBe(false);
  });
});
