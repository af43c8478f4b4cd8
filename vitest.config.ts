import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // Native modules (keytar, SQLite) and a shared keyring: forks, not threads.
    pool: 'forks',
    globalSetup: ['tests/support/keyring.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
