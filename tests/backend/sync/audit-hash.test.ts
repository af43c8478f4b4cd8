import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHashInput, type AuditRecord } from '../../../common/audit/audit-record';
import { auditHashInputFast } from '../../../backend-sync/sync/audit-hash';
import { uploadFingerprint } from '../../../backend-sync/sync/idempotency';

type Input = Omit<AuditRecord, 'hash' | 'mac'>;

const base = (over: Partial<Input> = {}): Input => ({
  seq: 7,
  at: 1_764_400_000_123,
  deviceId: randomUUID(),
  actorId: randomUUID(),
  actorName: 'Zoë "crew" O\'Brien\u2028\\',
  action: 'auth.sign_in',
  targetId: null,
  targetName: null,
  outcome: 'success',
  details: {
    method: 'password+totp',
    totpStep: 58_813_333,
    nested: { b: [1, { z: 1, a: 2 }], a: null },
  },
  prevHash: 'a'.repeat(64),
  ...over,
});

describe('audit hash input on the server', () => {
  it('is byte for byte the canonical form the devices hash', () => {
    const cases: Input[] = [
      base(),
      base({ actorId: null, actorName: null, targetId: 'x', targetName: 'Ünïcode ✓' }),
      base({ details: {} }),
      base({ details: { Z: 1, a: 2, B: 3, _: 'x', '': 0, é: 'e' } }),
      base({ seq: 1, at: 0, outcome: 'failure' }),
    ];
    for (let i = 0; i < 200; i++) {
      cases.push(
        base({
          seq: i + 1,
          at: Date.now() + i * 30_000,
          actorName: i % 3 === 0 ? null : `person ${i} ${String.fromCharCode(i + 32)}`,
          details: i % 2 ? { reason: 'idle', n: i, f: i / 7 } : { method: 'password' },
        }),
      );
    }
    for (const c of cases) expect(auditHashInputFast(c)).toBe(auditHashInput(c));
  });

  it('falls back to the generic form outside the protocol’s shape', () => {
    const odd = { ...base(), actorName: undefined } as unknown as Input;
    expect(auditHashInputFast(odd)).toBe(auditHashInput(odd));
    const notFinite = base({ at: Number.NaN });
    expect(() => auditHashInputFast(notFinite)).toThrow(TypeError);
  });

  it('an upload’s fingerprint follows every entry’s seq, hash and MAC and their order', () => {
    const e = (seq: number, hash = 'b'.repeat(64), mac = 'c'.repeat(64)) => ({ seq, hash, mac });
    const one = uploadFingerprint([e(1), e(2)]);
    expect(uploadFingerprint([e(1), e(2)])).toBe(one);
    expect(one).toMatch(/^a1:[0-9a-f]{64}$/);
    expect(uploadFingerprint([e(2), e(1)])).not.toBe(one);
    expect(uploadFingerprint([e(1), e(2, 'd'.repeat(64))])).not.toBe(one);
    expect(uploadFingerprint([e(1), e(2, undefined, 'd'.repeat(64))])).not.toBe(one);
    expect(uploadFingerprint([e(1)])).not.toBe(one);
  });
});
