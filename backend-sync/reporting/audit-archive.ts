import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { AuditEventsTable } from '../db/schema';

/**
 * One month of audit_events written to a file before the month is removed
 * (reporting/audit-retention.ts): `audit-events-YYYY-MM.ndjson.gz`, one stored row per line
 * (the table's columns as they are, `details` as its stored JSON text, so hashes can be
 * recomputed), oldest first; beside it `<file>.sha256` (the `sha256sum` format) and
 * `<file>.manifest.json`: the month, the row count, the digest, and per device the first and
 * last entry of its chain in the file, which anchor the chain of the entries kept in the
 * database (docs/OPERATIONS.md, "Audit retention"). An archive is never overwritten: a month
 * archived again (entries a PC uploaded late) gets `.2`, `.3`, … before `.ndjson.gz`.
 */
export interface ArchiveManifest {
  month: string;
  /** [from, to) in ms since the epoch. */
  from: number;
  to: number;
  file: string;
  sha256: string;
  rows: number;
  /** Per device: where its chain enters and leaves this file. */
  chains: ChainAnchor[];
  createdAt: number;
}

export interface ChainAnchor {
  deviceId: string;
  firstSeq: number;
  /** The previous hash of the first entry: the last hash of the archive before, if any. */
  firstPrevHash: string;
  lastSeq: number;
  /** The hash the next kept (or archived) entry of this device names as its previous one. */
  lastHash: string;
  rows: number;
}

export type ArchivedRow = AuditEventsTable;

/** Writes, syncs and verifies an archive; returns its manifest. Throws if anything fails. */
export async function writeMonthArchive(
  dir: string,
  month: { label: string; from: number; to: number },
  rows: AsyncIterable<ArchivedRow>,
  createdAt: number,
): Promise<ArchiveManifest> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = freeName(dir, month.label);
  const path = join(dir, file);
  const partial = `${path}.partial`;
  const chains = new Map<string, ChainAnchor>();
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const row of rows) {
      const seq = Number(row.seq);
      const anchor = chains.get(row.device_id);
      // Rows come in time order; a device's seqs normally rise with it, but a PC whose clock
      // went back has entries out of order: the anchor is by seq, not by position.
      if (!anchor) {
        chains.set(row.device_id, {
          deviceId: row.device_id,
          firstSeq: seq,
          firstPrevHash: row.prev_hash,
          lastSeq: seq,
          lastHash: row.hash,
          rows: 1,
        });
      } else {
        anchor.rows += 1;
        if (seq < anchor.firstSeq) [anchor.firstSeq, anchor.firstPrevHash] = [seq, row.prev_hash];
        if (seq > anchor.lastSeq) [anchor.lastSeq, anchor.lastHash] = [seq, row.hash];
      }
      count += 1;
      yield `${JSON.stringify(row)}\n`;
    }
  }
  const hash = createHash('sha256');
  try {
    await pipeline(
      Readable.from(lines()),
      createGzip(),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
    );
    await syncFile(partial);
    const sha256 = hash.digest('hex');
    await verifyArchive(partial, sha256, count);
    await rename(partial, path);
    const manifest: ArchiveManifest = {
      month: month.label,
      from: month.from,
      to: month.to,
      file,
      sha256,
      rows: count,
      chains: [...chains.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1)),
      createdAt,
    };
    await writeSynced(`${path}.sha256`, `${sha256}  ${file}\n`);
    await writeSynced(`${path}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    await syncFile(dir);
    return manifest;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Removes an archive and its sidecars (one superseded before anything was dropped). */
export async function removeArchive(dir: string, file: string): Promise<void> {
  for (const name of [file, `${file}.sha256`, `${file}.manifest.json`]) {
    await rm(join(dir, name), { force: true });
  }
}

/**
 * Reads an archive back: its bytes hash to `sha256` and it holds `rows` lines of JSON. Also
 * what an operator's check does (`sha256sum -c`, then `zcat | wc -l`).
 */
export async function verifyArchive(path: string, sha256: string, rows: number): Promise<void> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) hash.update(chunk);
  });
  if (hash.digest('hex') !== sha256) throw new Error(`archive ${path}: sha256 differs`);
  let lines = 0;
  const reader = createInterface({ input: createReadStream(path).pipe(createGunzip()) });
  for await (const line of reader) {
    JSON.parse(line);
    lines += 1;
  }
  if (lines !== rows) throw new Error(`archive ${path}: ${lines} rows, expected ${rows}`);
}

function freeName(dir: string, label: string): string {
  for (let n = 1; ; n++) {
    const file = `audit-events-${label}${n === 1 ? '' : `.${n}`}.ndjson.gz`;
    if (!existsSync(join(dir, file)) && !existsSync(join(dir, `${file}.partial`))) return file;
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flag: 'wx', mode: 0o600 });
  await syncFile(path);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
