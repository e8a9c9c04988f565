import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      {
        // The SCIM behaviour suites (Entra, RFC 7643/7644) once more, over real HTTP through the
        // server's node listener — batching and group commit on — instead of app.request
        // (test/support/scim-app.ts).
        extends: true,
        test: { name: 'scim-via-listener', include: ['test/scim/*.test.ts'], env: { SCIMGATE_TEST_TRANSPORT: 'listener' } },
      },
    ],
  },
});
