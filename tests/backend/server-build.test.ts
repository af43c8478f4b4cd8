// The production build of the sync server (build/build-server.ts): bundled once here, then run
// the way an operator runs it — plain Node.js, no TypeScript loader — as a CLI command and as
// the server, over real HTTP on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBuildOptions } from '../../build/build-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** A package's name from an import path: `@scope/name/sub` → `@scope/name`. */
function packageName(path: string): string {
  const parts = path.split('/');
  return path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the built server (npm run build:server, npm run start:server)', () => {
  // Inside the repository, so the bundle resolves its packages from node_modules as in production.
  const outDir = join('dist', `server-test-${randomBytes(4).toString('hex')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-built-server-'));
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', SYNC_VERIFY_THREADS: '1', PORT: '0' };
  let externals: string[] = [];
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    const result = await esbuild.build({
      ...serverBuildOptions(outDir),
      metafile: true,
      logLevel: 'silent',
    });
    externals = Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(join(repoRoot, outDir), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports only Node.js built-ins and packages of "dependencies" (nothing of dev)', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const packages = [...new Set(externals.filter((p) => !builtins.has(p)).map(packageName))];
    expect(packages.length).toBeGreaterThan(5);
    expect(packages.filter((p) => !(p in pkg.dependencies)).sort()).toEqual([]);
    expect(packages).not.toContain('tsx');
    expect(packages).toContain('better-sqlite3-multiple-ciphers');
  });

  it('runs a CLI command on plain Node.js', async () => {
    const r = await run(
      [join(outDir, 'main.js'), 'create-admin', '--email', 'ada@example.com'],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/One-time setup code/);
    const bad = await run([join(outDir, 'main.js'), 'create-admin'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).not.toMatch(/ at .*\.(js|ts):\d+/);
  });

  it('serves with its verification thread, its docs and its version, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--enable-source-maps', join(outDir, 'main.js')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    server = child;
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
    });
    const lines = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; threads?: number; level: number });
    expect(lines.find((l) => l.msg === 'audit verification threads running')?.threads).toBe(1);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    expect((await fetch(`${url}/docs/`)).status).toBe(200);
    const openapi = (await (await fetch(`${url}/docs/json`)).json()) as {
      info: { version: string };
    };
    expect(openapi.info.version).toBe(pkg.version);

    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
  });
});
