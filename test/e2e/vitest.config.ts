// The end-to-end suite: real nginx, headless Chromium, the test OP and the built scimgate, one
// file at a time in one fork (the browser story inside a file is sequential by design).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    bail: 1,
  },
});
