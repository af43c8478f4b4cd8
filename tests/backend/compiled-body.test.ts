import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pushAuditRequestSchema } from '../../common/sync/protocol';
import { compileBody } from '../../backend-sync/plugins/compiled-body';
import { signedChain } from './support/audit-chain';

const validate = compileBody(pushAuditRequestSchema);
const valid = signedChain(randomUUID(), randomBytes(32), 3);

/** Each field of an entry set to each of these, one at a time. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  1e300,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'a',
  'auth.sign_in',
  'success',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(200),
  'x'.repeat(201),
  // Astral characters: one code point, two UTF-16 code units each (lengths count code points).
  '𝄞'.repeat(32),
  '𝄞'.repeat(33),
  '𝄞'.repeat(64),
  '𝄞'.repeat(65),
  '𝄞'.repeat(200),
  '𝄞'.repeat(201),
  // Lone surrogates count one each (and are refused as text, not as length).
  '\uD834'.repeat(64),
  '\uD834'.repeat(65),
  // Canonical text (common/text/canonical-text.ts), checked by patterns without the u flag:
  // ids and names refuse lone surrogates, NUL, controls, bidi controls and separators.
  'a\uD800',
  '\uDC00a',
  '\uDC00\uD800',
  '\uD834\uDD1E',
  'a\u0000',
  'tab\there',
  'line\nbreak',
  'c1\u0085',
  'del\u007F',
  'evil\u202Egpj.exe',
  '\u2066x\u2069',
  '\u061C',
  '\u200E',
  'para\u2029',
  'joiner 👩\u200D💻',
  'Zoë Ångström 日本',
  `${'𝄞'.repeat(199)}\uD834`,
  'a'.repeat(64).toUpperCase(),
  'f'.repeat(64),
  `${'f'.repeat(64)}\n`,
  'é'.repeat(64),
  [],
  {},
  { a: 1 },
  { nested: { deep: [1, null, 'x'] } },
];

function corpus(): unknown[] {
  const bodies: unknown[] = [
    { entries: valid },
    { entries: [] },
    { entries: valid.slice(0, 1) },
    { entries: Array.from({ length: 501 }, () => valid[0]) },
    { entries: Array.from({ length: 500 }, () => valid[0]) },
    { entries: valid, extra: 1 },
    { entries: [null] },
    { entries: 'nope' },
    null,
    [],
    'entries',
    {},
  ];
  const fields = Object.keys(valid[0]!);
  for (const field of [...fields, 'unknownField']) {
    for (const value of VALUES) {
      const entry: Record<string, unknown> = { ...valid[1]! };
      if (value === undefined) delete entry[field];
      else entry[field] = value;
      bodies.push({ entries: [valid[0], entry] });
    }
  }
  return bodies;
}

describe('compiled body validation (the audit upload)', () => {
  it('accepts and refuses exactly what the zod schema does', () => {
    const bodies = corpus();
    let accepted = 0;
    for (const body of bodies) {
      const zod = pushAuditRequestSchema.safeParse(body).success;
      expect({ body, ok: validate(body) }).toEqual({ body, ok: zod });
      if (zod) accepted += 1;
    }
    // The corpus has both sides in numbers, so the comparison means something.
    expect(accepted).toBeGreaterThan(20);
    expect(bodies.length - accepted).toBeGreaterThan(150);
  });

  it('refuses ids and names that are not canonical, without the u flag', () => {
    const bodyWith = (field: string, value: string) => ({
      entries: [valid[0], { ...valid[1]!, [field]: value }],
    });
    for (const field of ['deviceId', 'actorId', 'actorName', 'targetId', 'targetName']) {
      for (const bad of ['x\uD800', 'x\u0000', 'x\u202E', 'x\u2028', 'x\t']) {
        expect(validate(bodyWith(field, bad)), `${field} ${JSON.stringify(bad)}`).toBe(false);
        expect(validate.errors?.[0]?.instancePath).toBe(`/entries/1/${field}`);
      }
    }
    expect(validate(bodyWith('targetName', 'Zoë 𝄞 👩\u200D💻'))).toBe(true);
  });

  it('checks in place: the body is neither copied nor changed', () => {
    const body = { entries: valid.map((e) => ({ ...e })) };
    const before = structuredClone(body);
    const first = body.entries[0];
    expect(validate(body)).toBe(true);
    expect(body).toEqual(before);
    expect(body.entries[0]).toBe(first);
  });

  it('refuses a schema JSON Schema cannot state', () => {
    expect(() => compileBody(z.object({ at: z.date() }))).toThrow();
  });
});
