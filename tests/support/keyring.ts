import { describe } from 'vitest';
import { KEYCHAIN_STATE_ENV } from './keyring-sandbox';

/** What keyring.global-setup.ts provides to the workers (besides the env it sets). */
export interface KeyringInfo {
  /** 'private': the harness's own bus + gnome-keyring; 'session': CI's; 'none': skipped. */
  mode: 'private' | 'session' | 'none';
  busAddress: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    keyholderKeyring: KeyringInfo;
  }
}

/** True when the global setup proved a real Secret Service works for this run. */
export function keychainReady(): boolean {
  return process.env[KEYCHAIN_STATE_ENV] === 'ready';
}

/**
 * `describe` for suites that need the real keychain; without one the suite is skipped. The
 * global setup has already printed the one notice saying why and what to install, so the skip
 * only points at it rather than repeating it per file.
 */
export function describeWithKeychain(name: string, fn: () => void): void {
  if (keychainReady()) describe(name, fn);
  else describe.skip(`${name} [no test keychain: see the notice at the start of the run]`, fn);
}
