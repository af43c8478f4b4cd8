// `.env.example` is the operator's list of the server's variables (README, OPERATIONS.md): it must
// name every variable the server reads at boot, nothing it does not, and show each default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../backend-sync/config';

const root = join(import.meta.dirname, '../..');

/** `KEY=value` lines of .env.example (comments and blank lines skipped). */
function example(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(join(root, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) entries.set(match[1] as string, match[2] as string);
  }
  return entries;
}

describe('.env.example', () => {
  it('names every variable the server validates at boot, and no other', () => {
    expect([...example().keys()].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('shows the defaults: loaded as an environment, it configures the server as no variable at all', () => {
    const documented = Object.fromEntries(example());
    expect(loadConfig(documented)).toEqual(loadConfig({}));
  });

  it('each variable is explained by a comment above it', () => {
    const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n');
    const unexplained = lines.flatMap((line, i) => {
      if (!/^[A-Z][A-Z0-9_]*=/.test(line)) return [];
      // Walk up over other variables of the same block to the nearest comment.
      let j = i - 1;
      while (j >= 0 && /^[A-Z][A-Z0-9_]*=/.test(lines[j] as string)) j -= 1;
      return j >= 0 && (lines[j] as string).startsWith('#') ? [] : [line];
    });
    expect(unexplained).toEqual([]);
  });
});

describe('audit retention settings', () => {
  it('keeps everything by default, archives in DATA_DIR, and refuses a bad month count', () => {
    const config = loadConfig({ DATA_DIR: '/srv/keyholder' });
    expect(config.AUDIT_RETENTION_MONTHS).toBeUndefined();
    expect(config.auditArchiveDir).toBe('/srv/keyholder/audit-archive');
    expect(loadConfig({ DATA_DIR: '/srv/k', AUDIT_ARCHIVE_DIR: 'old' }).auditArchiveDir).toBe(
      '/srv/k/old',
    );
    expect(loadConfig({ AUDIT_RETENTION_MONTHS: '24' }).AUDIT_RETENTION_MONTHS).toBe(24);
    for (const bad of ['0', '-1', '1.5', 'forever']) {
      expect(() => loadConfig({ AUDIT_RETENTION_MONTHS: bad })).toThrow(/AUDIT_RETENTION_MONTHS/);
    }
  });
});
