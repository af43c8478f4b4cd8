import { createPublicKey } from 'node:crypto';
import { KeyholderError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The server address a person typed, checked: https, or plain http only on this computer
 * (a local test server). No credentials, query or fragment. Returns the normalised origin +
 * path without a trailing slash.
 */
export function parseServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw invalidUrl();
  }
  const secure = url.protocol === 'https:';
  const localPlain = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (!secure && !localPlain) {
    throw new KeyholderError(
      'insecure_server_url',
      'The sync server address must start with https:// (plain http is allowed only for a server on this computer).',
    );
  }
  if (url.username || url.password || url.search || url.hash) throw invalidUrl();
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function invalidUrl(): KeyholderError {
  return new KeyholderError(
    'invalid_server_url',
    'That is not a valid sync server address. It looks like https://sync.example.com.',
  );
}

/** The key the PC pins must be an Ed25519 public key; anything else is refused at connect. */
export function checkServerKey(pem: string): void {
  try {
    if (createPublicKey(pem).asymmetricKeyType === 'ed25519') return;
  } catch {
    // fall through
  }
  throw badServerKey();
}

function badServerKey(): KeyholderError {
  return new KeyholderError(
    'bad_server_key',
    'The sync server did not identify itself correctly. Check the address; this PC was not connected.',
  );
}

/**
 * A revoked PC connected again without a session (SyncService.connect): only to the server it
 * was connected to (checked before the code is sent) answering with the key it pinned
 * (checked on the answer; compared as keys, whatever the PEM's line breaks).
 */
export function checkSameServer(
  pinned: { serverUrl: string; serverPublicKey: string },
  now: { serverUrl: string; serverPublicKey?: string },
): void {
  if (now.serverUrl !== pinned.serverUrl) {
    throw new KeyholderError(
      'reconnect_other_server',
      `Without anyone signed in, this PC can only be connected again to the sync server it was connected to (${displayUrl(pinned.serverUrl)}). Enter that address and a new enrollment code.`,
    );
  }
  if (now.serverPublicKey === undefined) return;
  const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
  if (!der(now.serverPublicKey).equals(der(pinned.serverPublicKey))) throw badServerKey();
}

/** Only the origin goes into the audit log and the status (never a path with a token in it). */
export function displayUrl(serverUrl: string): string {
  return new URL(serverUrl).origin;
}
