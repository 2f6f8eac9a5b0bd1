import solid from 'vite-plugin-solid'
import { defineConfig } from 'vitest/config'

// One `npm test` runs every suite: Node tests for shared/, sync-server/ and
// signal-server/, jsdom component tests for client/, and Chromium end-to-end
// tests under e2e/. Everything runs against source; nothing is built first.
export default defineConfig({
  test: {
    // Installs or starts what the suites need (coturn, Postgres, Redis, Chromium) first.
    globalSetup: ['scripts/test-environment.mjs'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'sync-server/**/*.test.ts',
            'signal-server/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [solid()],
        resolve: { conditions: ['development', 'browser'] },
        test: {
          name: 'client',
          environment: 'jsdom',
          include: ['client/**/*.test.{ts,tsx}'],
          setupFiles: ['client/test/setup.ts'],
          // The router ships .jsx: compiled with the tests' own Solid, not loaded by Node.
          server: { deps: { inline: [/@solidjs\/router/] } },
          // A component test that waits on timers and renders takes 1–2 s; on a 2-core
          // machine busy with the browser suites beside it, several times that.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
