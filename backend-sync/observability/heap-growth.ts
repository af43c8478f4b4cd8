import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config';

/**
 * How far V8 lets the heap grow past what is live before its next full collection.
 *
 * V8 picks that factor itself, between 1.1 and 4, and on this server it settles near 4: after a
 * burst of uploads from hundreds of store PCs the heap held about 50 MB of live objects but grew
 * past 180 MB before a full collection, and the process past 300 MB. The garbage of a burst is
 * short-lived request data, so a fixed factor (1 + HEAP_GROWING_PERCENT / 100, 1.5 by default)
 * keeps memory near the live set for about the same CPU (docs/PERFORMANCE.md has both runs).
 * 0 leaves V8's own choice. The flag is read at every full collection, so setting it at start-up,
 * before the first one, applies to the whole run.
 */
export function applyHeapGrowth(config: Pick<Config, 'HEAP_GROWING_PERCENT'>): void {
  if (config.HEAP_GROWING_PERCENT > 0) {
    setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWING_PERCENT}`);
  }
}
