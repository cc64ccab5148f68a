import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers and CLI processes: give them room, but keep the
    // suite parallel-safe (ephemeral ports, a temp OAUTHCTL_HOME per test).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
