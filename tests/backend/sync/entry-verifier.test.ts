import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../common/audit/audit-record';
import {
  ENTRY_HASH_MISMATCH,
  ENTRY_MAC_MISMATCH,
  ENTRY_OK,
  entryVerdicts,
} from '../../../backend-sync/sync/audit-hash';
import {
  createEntryVerifier,
  inlineEntryVerifier,
  type EntryVerifier,
} from '../../../backend-sync/sync/entry-verifier';
import { sign, signedChain } from '../support/audit-chain';

const macKey = randomBytes(32);
const deviceId = randomUUID();

/** A batch with one entry of each kind a verifier must tell apart, and what each should get. */
function mixedBatch(): { entries: AuditRecord[]; expected: number[] } {
  const entries = signedChain(deviceId, macKey, 120);
  const expected: number[] = entries.map(() => ENTRY_OK);
  // A field changed after signing: the hash no longer matches.
  entries[7] = { ...entries[7]!, outcome: 'denied' };
  expected[7] = ENTRY_HASH_MISMATCH;
  // Details changed deep inside: the canonical form covers them too.
  entries[8] = { ...entries[8]!, details: { ...entries[8]!.details, extra: 1 } };
  expected[8] = ENTRY_HASH_MISMATCH;
  // Re-hashed after the change, but MACed with another key: only the MAC is wrong.
  entries[40] = sign({ ...entries[40]!, actorName: 'Mallory' }, randomBytes(32));
  expected[40] = ENTRY_MAC_MISMATCH;
  // A MAC that is not even hex.
  entries[41] = { ...entries[41]!, mac: 'zz' };
  expected[41] = ENTRY_MAC_MISMATCH;
  // Not entries at all (the verifier sees uploads before validation): never an exception.
  for (const [i, junk] of [
    [90, null],
    [91, 5],
    [92, 'entry'],
    [93, {}],
    [94, { ...entries[94]!, hash: 42 }],
  ] as const) {
    entries[i] = junk as unknown as AuditRecord;
    expected[i] = ENTRY_HASH_MISMATCH;
  }
  return { entries, expected };
}

describe('entry verification (hashes and MACs of uploaded audit entries)', () => {
  const pools: EntryVerifier[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  const problems: string[] = [];
  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });
  const pool = async (options: { minBatch?: number } = {}) => {
    const p = createEntryVerifier({
      threads: 1,
      minBatch: options.minBatch ?? 1,
      onProblem: (m) => problems.push(m),
    });
    pools.push(p);
    expect(await p.start()).toBe(1);
    return p;
  };

  it('tells a good entry, a changed one and a wrongly MACed one apart, on any input', () => {
    const { entries, expected } = mixedBatch();
    expect([...entryVerdicts(entries, macKey)]).toEqual(expected);
    const inline = inlineEntryVerifier.verify(entries, macKey);
    expect([...inline.now()!]).toEqual(expected);
  });

  it('a verification thread gives the same verdicts, from the entries or from the body text', async () => {
    const verifier = await pool();
    const { entries, expected } = mixedBatch();
    const fromEntries = verifier.verify(entries, macKey);
    // Handed to the thread: the verdicts are written by it, into memory shared with this one
    // (a fallback on this thread would answer in a plain buffer). Whether they are already
    // there when we look depends on scheduling, so only their origin is asserted.
    const verdicts = await fromEntries.done;
    expect(verdicts.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...verdicts]).toEqual(expected);
    // Once done, the verdicts are there at once, without another turn of the event loop.
    expect([...fromEntries.now()!]).toEqual(expected);
    const text = JSON.stringify({ entries });
    expect([...(await verifier.verify(entries, macKey, text).done)]).toEqual(expected);
    // A byte order mark, as Fastify's JSON parser accepts it.
    expect([...(await verifier.verify(entries, macKey, `\uFEFF${text}`).done)]).toEqual(expected);
  });

  it('verifies on the calling thread when the text does not hold these entries', async () => {
    const verifier = await pool();
    const { entries, expected } = mixedBatch();
    const other = JSON.stringify({ entries: entries.slice(0, 10) });
    expect([...(await verifier.verify(entries, macKey, other).done)]).toEqual(expected);
    expect([...(await verifier.verify(entries, macKey, '{"entries": nope').done)]).toEqual(
      expected,
    );
  });

  it('keeps up with many batches at once, each with its own answer', async () => {
    const verifier = await pool();
    const batches = Array.from({ length: 30 }, (_, b) => {
      const entries = signedChain(deviceId, macKey, 80);
      if (b % 3 === 0) entries[b] = { ...entries[b]!, targetName: 'someone else' };
      return entries;
    });
    const results = await Promise.all(batches.map((e) => verifier.verify(e, macKey).done));
    results.forEach((verdicts, b) => {
      const bad = [...verdicts].flatMap((v, i) => (v === ENTRY_OK ? [] : [i]));
      expect(bad).toEqual(b % 3 === 0 ? [b] : []);
    });
  });

  it('answers every batch in flight when the pool closes, from the calling thread', async () => {
    const verifier = createEntryVerifier({ threads: 1, minBatch: 1 });
    await verifier.start();
    const { entries, expected } = mixedBatch();
    const pending = Array.from({ length: 10 }, () => verifier.verify(entries, macKey).done);
    await verifier.close();
    for (const verdicts of await Promise.all(pending)) expect([...verdicts]).toEqual(expected);
    // After close, batches are still verified, on the calling thread.
    expect([...(await verifier.verify(entries, macKey).done)]).toEqual(expected);
  });

  it('verifies small batches, and every batch while no thread is ready, without waiting', () => {
    const verifier = createEntryVerifier({ threads: 1, minBatch: 64 });
    pools.push(verifier);
    const { entries, expected } = mixedBatch();
    // Not started yet: the first large batch starts the thread but does not wait for it.
    expect([...verifier.verify(entries, macKey).now()!]).toEqual(expected);
    expect([...verifier.verify(entries.slice(0, 63), macKey).now()!]).toEqual(
      expected.slice(0, 63),
    );
    const none = createEntryVerifier({ threads: 0 });
    pools.push(none);
    expect([...none.verify(entries, macKey).now()!]).toEqual(expected);
  });
});
