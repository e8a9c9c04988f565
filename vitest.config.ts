import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Hang guards, not budgets: every test is bounded by its work (property tests by numRuns),
    // and a shared 2-core machine under load runs it 5-10x slower than a quiet one. At load 15
    // starting the test OpenID provider (RSA and EC keys for three tenants) took over vitest's
    // default 10 s hook limit.
    testTimeout: 60_000,
    hookTimeout: 60_000,
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
