import { z } from 'zod';

/**
 * The admin API's stores (/api/v1/stores): what the sync server answers, and what the desktop's
 * admin area checks those answers against. Answers are plain z.object: the server's serializer
 * drops anything not listed, and the desktop strips anything it does not know.
 */

/** A store's name: trimmed, 1–100 characters. */
export const storeNameField = z.string().trim().min(1).max(100);
/** A store's brand: trimmed, up to 100 characters (may be empty). */
export const storeBrandField = z.string().trim().max(100);

/** POST /api/v1/stores */
export const createStoreBody = z.strictObject({
  name: storeNameField,
  brand: storeBrandField.optional(),
});

export const storeSchema = z.object({
  id: z.string(),
  name: z.string(),
  brand: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  activeDevices: z.number().int(),
  people: z.number().int(),
});
export type StoreDto = z.infer<typeof storeSchema>;

/** GET /api/v1/stores */
export const storesResponse = z.object({ stores: z.array(storeSchema) });
