import { defineConfig } from 'vitest/config'

// The harness's own tests (`npm run bench:test`): the simulated client against real
// servers. Kept out of `npm test`, whose node project covers shared/ and the servers.
export default defineConfig({
  test: {
    name: 'bench',
    environment: 'node',
    include: ['bench/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
