/**
 * Length limits of the text people type and the audit log records, shared by the store PC (IPC
 * schemas, the audit log) and the sync server (request bodies, the audit upload), so that what
 * one side accepts the other does too.
 *
 * Every limit counts Unicode code points, as zod's `.max()` and JSON Schema's `maxLength` count
 * them ('𝄞' is one, a lone surrogate is one); `truncateCodePoints` cuts on the same count.
 */

/** A username as typed, before normalising (NFKC can expand it; see common/identity). */
export const USERNAME_RAW_MAX_LENGTH = 256;
/** The normalised username, which is stored and compared. */
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;

/** A person's name as shown (staff list, admin area, emails). */
export const DISPLAY_NAME_MAX_LENGTH = 100;
/** A store's name, and its brand (the brand may be empty). */
export const STORE_NAME_MAX_LENGTH = 100;
export const BRAND_NAME_MAX_LENGTH = 100;
/** The name a store PC is given when it is connected to the sync server. */
export const DEVICE_NAME_MAX_LENGTH = 100;
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * Audit entries' actor and target names. The PC cuts longer names to this (a refused
 * `staff.create` records the username exactly as typed, up to USERNAME_RAW_MAX_LENGTH) and the
 * server refuses longer ones, so whatever the PC hashes, the server accepts.
 */
export const AUDIT_NAME_MAX_LENGTH = 200;
/** Audit entries' device, actor and target ids (UUIDs, or '' for an unknown person). */
export const AUDIT_ID_MAX_LENGTH = 64;

/**
 * Bounds of a JSON value checked by `firstJsonTextProblem` (audit details, IPC payloads): how
 * deeply it nests, how many values and keys it holds, and how many UTF-16 code units its
 * strings and keys hold together. Far above anything Keyholder writes (a policy change, the
 * largest details, is a few hundred values), low enough that a check costs little.
 */
export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_NODES = 10_000;
export const JSON_MAX_TEXT_UNITS = 1_000_000;
