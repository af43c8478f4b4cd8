/**
 * Where device secrets live. The only production implementation is the OS keychain
 * (KeytarSecretStore); there is deliberately no file or plaintext fallback (invariant 3).
 *
 * Names are fixed per profile: see `secretName`. Values are opaque strings (base64 keys).
 * Every method throws KeychainUnavailable when the keychain cannot be reached.
 */
export interface SecretStore {
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<boolean>;
}

/** The secrets one Keyholder profile (one data folder) keeps in the keychain. */
export type SecretKind = 'database-key' | 'audit-mac-key' | 'time-seal-key' | 'device-credential';

/** Keychain account name: `<profileId>/<kind>`, under the keychain service `Keyholder`. */
export type SecretName = `${string}/${SecretKind}`;

export const KEYCHAIN_SERVICE = 'Keyholder';

export function secretName(profileId: string, kind: SecretKind): SecretName {
  return `${profileId}/${kind}`;
}
