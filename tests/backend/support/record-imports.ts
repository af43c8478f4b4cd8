import { registerHooks } from 'node:module';

/**
 * `node --import tsx --import ./tests/backend/support/record-imports.ts …`: records every
 * module of `@sentry/*` the process resolves and reports the count on stderr at exit, so a test
 * can tell whether a run loaded Sentry at all.
 */
const sentry = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (resolved.url.includes('/node_modules/@sentry/')) sentry.add(resolved.url);
    return resolved;
  },
});
process.on('exit', () => {
  process.stderr.write(`\n[record-imports] @sentry modules: ${sentry.size}\n`);
});
