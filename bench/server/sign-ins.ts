/**
 * Part 1 of the server benchmark: password + TOTP sign-ins per core against the raw argon2id
 * verify rate, under load and one at a time, plus the same sign-ins with the hash answered at
 * once or replaced by an idle wait (where a sign-in's time goes besides its hash).
 */
import { availableParallelism } from 'node:os';
import { verify } from '@node-rs/argon2';
import { PasswordHasher } from '../../backend-sync/auth/password-hasher';
import { summarize } from '../stats';
import { post, startServer, type BenchAdmin, type BenchServer } from './bench-server';
import {
  EMAIL,
  HASHLESS_SIGNINS,
  IDLE_SIGNINS,
  JIT_WARM_UP,
  LOAD_BLOCKS,
  LOAD_ROUNDS_PER_BLOCK,
  PASSWORD,
  SIGNIN_WARM_UP,
  SIGNINS,
} from './settings';

export interface SignInFigures {
  /** Under load: every core busy, sign-ins and raw verifies in alternating blocks. */
  loaded: {
    /** Concurrent operations (each sign-in a different admin). */
    concurrency: number;
    /** Per core: operations per second divided by the machine's cores. */
    signInsPerCoreSecond: number;
    rawPerCoreSecond: number;
    /** Process CPU time (every thread) per operation, ms. */
    signInCpuMs: number;
    rawCpuMs: number;
  };
  /** One operation at a time (so one core hashes): each sign-in followed by one raw verify. */
  signInsPerSecond: number;
  rawPerSecond: number;
  signIn: ReturnType<typeof summarize>;
  raw: ReturnType<typeof summarize>;
  /** The same sign-ins on a server whose hasher answers at once: the rest of a sign-in. */
  hashless: ReturnType<typeof summarize>;
  /**
   * The same sign-ins on a server whose hasher waits, idle, as long as a raw verify took: the
   * time besides that wait. The main thread idles as it does during a real hash, but nothing
   * fills the caches, so this splits the gap into what idling costs and what the hash adds.
   */
  idle: ReturnType<typeof summarize>;
}

/**
 * A real argon2id verify, or one that answers at once or after an idle wait (the password is
 * the benchmark's own): the answer-at-once mode brings V8 to its steady state quickly, and times
 * everything a sign-in does besides the hash, on the same path. `lastWait` is how long the last
 * verify waited.
 */
class StubHasher extends PasswordHasher {
  mode: 'real' | 'instant' | 'idle' = 'real';
  idleMs = 0;
  lastWait = 0;
  override async verify(stored: string | null, password: string): Promise<boolean> {
    if (this.mode === 'real') return super.verify(stored, password);
    const t0 = performance.now();
    if (this.mode === 'idle') await new Promise((resolve) => setTimeout(resolve, this.idleMs));
    this.lastWait = performance.now() - t0;
    return stored !== null && password === PASSWORD;
  }
}

async function jitWarmUp(server: BenchServer, hasher: StubHasher): Promise<void> {
  const mode = hasher.mode;
  hasher.mode = 'instant';
  for (let i = 0; i < JIT_WARM_UP; i++) await server.nextSignIn()();
  hasher.mode = mode;
}

/** Each sign-in's time minus the stub's wait, after the JIT warm-up and `warmUp` more. */
async function stubbedSignIns(
  mode: 'instant' | 'idle',
  count: number,
  warmUp: number,
  idleMs = 0,
): Promise<number[]> {
  const hasher = new StubHasher();
  const server = await startServer('sqlite', hasher);
  try {
    await jitWarmUp(server, hasher);
    hasher.mode = mode;
    hasher.idleMs = idleMs;
    const times: number[] = [];
    for (let i = 0; i < count + warmUp; i++) {
      const send = server.nextSignIn();
      const t0 = performance.now();
      await send();
      if (i >= warmUp) times.push(performance.now() - t0 - hasher.lastWait);
    }
    return times;
  } finally {
    await server.close();
  }
}

/**
 * Every core busy: rounds of `concurrency` sign-ins at once (each a different admin, all with a
 * fresh code: the clock moves one step per round), against rounds of as many raw verifies at
 * once on the same thread pool. Blocks of each kind alternate, so a drift of the machine's speed
 * falls on both. Both kinds wait for a round's last operation, so both idle the same way at the
 * end of a round.
 */
async function loadedSignIns(
  server: BenchServer,
  hash: string,
  concurrency: number,
): Promise<SignInFigures['loaded']> {
  const admins: BenchAdmin[] = [];
  for (let i = 0; i < concurrency; i++) admins.push(await server.addAdmin(`load${i}@example.com`));
  const signInRound = async () => {
    server.clock.nextStep();
    await Promise.all(admins.map((a) => post(server.app, '/api/v1/auth/sign-in', a.signInBody())));
  };
  const rawRound = async () => {
    const answers = await Promise.all(admins.map(() => verify(hash, PASSWORD)));
    if (!answers.every(Boolean)) throw new Error('raw verify failed');
  };
  for (let i = 0; i < LOAD_ROUNDS_PER_BLOCK; i++) {
    await signInRound();
    await rawRound();
  }
  const totals = { signIn: { ms: 0, cpu: 0 }, raw: { ms: 0, cpu: 0 } };
  for (let block = 0; block < LOAD_BLOCKS * 2; block++) {
    const kind = (block + Math.floor(block / 2)) % 2 === 0 ? 'signIn' : 'raw';
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let r = 0; r < LOAD_ROUNDS_PER_BLOCK; r++) {
      await (kind === 'signIn' ? signInRound() : rawRound());
    }
    const cpu = process.cpuUsage(cpu0);
    totals[kind].ms += performance.now() - t0;
    totals[kind].cpu += (cpu.user + cpu.system) / 1000;
  }
  const ops = LOAD_BLOCKS * LOAD_ROUNDS_PER_BLOCK * concurrency;
  const cores = availableParallelism();
  return {
    concurrency,
    signInsPerCoreSecond: (ops * 1000) / totals.signIn.ms / cores,
    rawPerCoreSecond: (ops * 1000) / totals.raw.ms / cores,
    signInCpuMs: totals.signIn.cpu / ops,
    rawCpuMs: totals.raw.cpu / ops,
  };
}

export async function benchSignIns(): Promise<SignInFigures> {
  const hasher = new StubHasher();
  const server = await startServer('sqlite', hasher);
  try {
    const { password_hash: hash } = await server.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', EMAIL)
      .executeTakeFirstOrThrow();
    if (!hash) throw new Error('no hash');
    await jitWarmUp(server, hasher);
    const app: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < SIGNINS + SIGNIN_WARM_UP; i++) {
      const send = server.nextSignIn();
      const t0 = performance.now();
      await send();
      const t1 = performance.now();
      if (!(await verify(hash, PASSWORD))) throw new Error('raw verify failed');
      const t2 = performance.now();
      if (i < SIGNIN_WARM_UP) continue;
      app.push(t1 - t0);
      raw.push(t2 - t1);
    }
    // Four operations per core keep every core busy while some wait on the event loop.
    const loaded = await loadedSignIns(server, hash, 4 * availableParallelism());
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const mean = (v: number[]) => sum(v) / v.length;
    return {
      loaded,
      signInsPerSecond: (app.length * 1000) / sum(app),
      rawPerSecond: (raw.length * 1000) / sum(raw),
      signIn: summarize(app),
      raw: summarize(raw),
      hashless: summarize(await stubbedSignIns('instant', HASHLESS_SIGNINS, 0)),
      idle: summarize(
        await stubbedSignIns('idle', IDLE_SIGNINS, SIGNIN_WARM_UP, Math.round(mean(raw))),
      ),
    };
  } finally {
    await server.close();
  }
}
