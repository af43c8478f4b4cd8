import { z } from 'zod';
import { nameText } from '../text/canonical-text';
import { BRAND_NAME_MAX_LENGTH, STORE_NAME_MAX_LENGTH } from '../text/text-limits';

/**
 * The admin API's stores (/api/v1/stores): what the sync server answers, and what the desktop's
 * admin area checks those answers against. Answers are plain z.object: the server's serializer
 * drops anything not listed, and the desktop strips anything it does not know.
 */

/** A store's name: a canonical name, trimmed, 1–100 characters. */
export const storeNameField = nameText(STORE_NAME_MAX_LENGTH, { trim: true, min: 1 });
/** A store's brand: a canonical name, trimmed, up to 100 characters (may be empty). */
export const storeBrandField = nameText(BRAND_NAME_MAX_LENGTH, { trim: true });

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
