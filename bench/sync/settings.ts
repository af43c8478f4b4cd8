/**
 * The sync benchmark's settings: the BENCH_SYNC_* environment variables (small values give a
 * quick smoke run), the fleet's shape and the goals each figure is held to. Shared by every part
 * of bench/sync/ and by its report, so the text always names the counts that were run.
 */
import { resolve } from 'node:path';
import { RUNS } from '../stats';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.KEYHOLDER_TEST_DATABASE_URL;
/** Part 1: entries a PC collected offline, and how many PCs (one after another) sync them. */
export const BACKLOG = Number(process.env.BENCH_SYNC_BACKLOG ?? 20_000);
export const BACKLOG_RUNS = Number(process.env.BENCH_SYNC_BACKLOG_RUNS ?? RUNS);
/** Part 2: simulated PCs syncing at once, 5 per store, 12 people per store; a burst a run. */
export const DEVICES = Number(process.env.BENCH_SYNC_DEVICES ?? 500);
export const DEVICES_PER_STORE = 5;
export const PEOPLE_PER_STORE = 12;
export const BURSTS = Number(process.env.BENCH_SYNC_BURSTS ?? RUNS);

export const PROFILE_DIR = process.env.BENCH_SYNC_SERVER_PROFILE;

export const GOALS = { backlogMs: 2_000, p99Ms: 2_000, serverRssMB: 300 };

export const storeCount = (devices: number) => Math.ceil(devices / DEVICES_PER_STORE);
