import { expect } from 'vitest';
import { describeDetails } from '../../common/audit/audit-details';
import type { Keyholder } from '../../electron/core/keyholder';

/**
 * Every detail of every entry a PC wrote is one the catalogue of entry details knows
 * (common/audit/audit-details.ts), with a value of the kind it says: otherwise the audit screens
 * would show it as "key: value" instead of in words. Call it where a test has driven the PC
 * through the paths it covers, before the PC is disposed.
 */
export function expectDetailsInCatalogue(kh: Keyholder): void {
  const entries = kh.audit.query({ limit: 10_000 }).entries;
  const unknown = entries.flatMap((e) =>
    describeDetails(e.action, e.details)
      .filter((d) => 'unknown' in d)
      .map((d) => `${e.action}.${d.key} = ${JSON.stringify(d.value)}`),
  );
  expect(unknown).toEqual([]);
}
