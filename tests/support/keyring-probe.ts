/**
 * Child-process probe for keychain tests: runs one operation through KeytarSecretStore with the
 * environment it was given and prints ONE JSON line with the result or the typed error.
 * Run as: node --import tsx tests/support/keyring-probe.ts <op> [--service S] [--timeout MS]
 *         [--profile P] [--value V]    (op: roundtrip | get | set | delete)
 * Used by runProbe() in keyring-sandbox.ts; see there for why it is a separate process.
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KeyholderError, KeychainUnavailable } from '../../electron/core/errors';
import { KeytarSecretStore } from '../../electron/core/keychain/keytar-secret-store';
import { secretName } from '../../electron/core/keychain/secret-store';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    service: { type: 'string', default: 'Keyholder-test-probe' },
    timeout: { type: 'string' },
    profile: { type: 'string', default: `probe-${process.pid}` },
    value: { type: 'string', default: 'probe-value' },
  },
});

const op = positionals[0];
const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
const store = new KeytarSecretStore({ service: values.service, timeoutMs });
const name = secretName(values.profile, 'database-key');

async function main(): Promise<unknown> {
  switch (op) {
    case 'get':
      return store.get(name);
    case 'set':
      return store.set(name, values.value);
    case 'delete':
      return store.delete(name);
    case 'roundtrip': {
      await store.set(name, values.value);
      const read = await store.get(name);
      const deleted = await store.delete(name);
      const after = await store.get(name);
      if (read !== values.value || !deleted || after !== null) {
        throw new Error(`round trip mismatch: ${JSON.stringify({ read, deleted, after })}`);
      }
      return 'ok';
    }
    default:
      throw new Error(`unknown op ${String(op)}`);
  }
}

let hardExit = false;
let line: string;
try {
  line = JSON.stringify({ ok: true, value: (await main()) ?? null });
} catch (err) {
  const cause = (err as { cause?: unknown }).cause;
  // A timed-out keytar call keeps a libuv thread busy, and Node's exit joins that thread (up to
  // D-Bus's 25 s, or for ever behind a prompt); the probe must not wait for it.
  hardExit = err instanceof KeychainUnavailable && /did not answer/.test(err.message);
  line = JSON.stringify({
    ok: false,
    error: {
      name: err instanceof Error ? err.name : typeof err,
      code: err instanceof KeyholderError ? err.code : undefined,
      reason: err instanceof KeychainUnavailable ? err.reason : undefined,
      message: err instanceof Error ? err.message : String(err),
      cause: cause instanceof Error ? cause.message : undefined,
    },
  });
}
writeSync(1, `${line}\n`);
if (hardExit) process.kill(process.pid, 'SIGKILL');
