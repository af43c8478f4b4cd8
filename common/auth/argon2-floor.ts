/**
 * argon2id parameters Keyholder hashes passwords with, on store PCs and on the sync server alike
 * (OWASP Password Storage Cheat Sheet floor: 19 MiB, 2 iterations, 1 lane), so a hash set on
 * either side verifies offline on the other after a sync. Parameters may only go up.
 */
export const ARGON2ID_FLOOR = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/**
 * True when a hash made with `params` costs less than the floor: less memory or fewer
 * iterations (more lanes do not make it cheaper to guess). The server refuses such a hash from
 * a PC; the desktop refuses to hash with such parameters.
 */
export function belowArgon2Floor(params: Argon2Params): boolean {
  return (
    params.memoryCost < ARGON2ID_FLOOR.memoryCost ||
    params.timeCost < ARGON2ID_FLOOR.timeCost ||
    params.parallelism < ARGON2ID_FLOOR.parallelism
  );
}

const ARGON2ID_HASH = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/** The parameters of an argon2id PHC string, or null when it is not one. */
export function argon2idParamsOf(hash: string): Argon2Params | null {
  const m = ARGON2ID_HASH.exec(hash);
  if (!m) return null;
  return { memoryCost: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]) };
}
