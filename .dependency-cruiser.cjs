/**
 * The allowed arrows between scimgate's modules, checked by `npm run lint` (and so by .ci/run).
 * docs/architecture.md draws the same map; change both together.
 *
 *   main.ts / cli/          boot and commands: may import anything, imported by nothing below
 *   search-thread.ts        the search thread's boot (its composition root), started by path
 *   app.ts                  createApp(deps): mounts the routers
 *   scim/ , access/         the two front doors (routes + their HTTP adapters); siblings
 *   revocation/             wires directory change events to the session store
 *   ssf/                    the Shared Signals transmitter: mounted by main.ts, fed by the outbox
 *   hooks/                  session revocation hooks: the outbox fed in each cause's write, its delivery worker
 *   directory/ , tokens/    the domain stores (SQLite in their sqlite/ folders)
 *   audit/                  the hash-chained audit log (SQLite) and its checks; callers take the
 *                           AuditLog interface from persistence/, main.ts and cli/ hand it over
 *   persistence/            the store seam: interfaces the implementations provide
 *   store/                  the database: connection, schema, write group, commit watch
 *   http/                   HTTP plumbing the routers share; knows no domain above the store
 *                           (it writes every 500/503, so it knows SCIM's error body from scim/protocol)
 *   scim/protocol/          pure RFC 7643/7644: imports nothing of ours but shared/
 *   config/                 schema + loader: imports nothing of ours but shared/ and policy/
 *   policy/                 the policy language, pure: only scim/protocol (filters) and shared/
 *   shared/ , crypto/       leaves: import nothing of ours (outside themselves)
 *
 * Rules are stated as forbidden arrows, each named after what it protects.
 */
const SRC = '^src/';

/** Everything of ours except the listed folders (regex fragments relative to src/). */
const ourExcept = (...allowed) => `^src/(?!(?:${allowed.join('|')})(?:/|\\.ts$))`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; split the shared part out (usually into shared/).',
      from: { path: SRC },
      to: { circular: true },
    },
    {
      name: 'entry-points-are-the-top',
      severity: 'error',
      comment: 'main.ts, cli/ and app.ts compose the layers, search-thread.ts the search thread\'s; nothing below may import them.',
      from: { path: SRC, pathNot: '^src/(main\\.ts|cli/)' },
      to: { path: '^src/(main\\.ts|search-thread\\.ts|cli/|app\\.ts)' },
    },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'shared/ and crypto/ are used by every layer, so they import nothing of ours.',
      from: { path: '^src/(shared|crypto)/' },
      to: { path: ourExcept('shared', 'crypto') },
    },
    {
      name: 'scim-protocol-is-pure',
      severity: 'error',
      comment: 'RFC 7643/7644 logic: no HTTP, no database, no directory; only shared/ (Result).',
      from: { path: '^src/scim/protocol/' },
      to: { path: ourExcept('scim/protocol', 'shared') },
    },
    {
      name: 'config-is-a-leaf',
      severity: 'error',
      comment: 'Configuration is read by every layer; it validates with parsers from shared/ and compiles route policies with policy/.',
      from: { path: '^src/config/' },
      to: { path: ourExcept('config', 'shared', 'policy') },
    },
    {
      name: 'policy-is-pure',
      severity: 'error',
      comment: 'The policy language (parse → criteria → evaluate with reasons) knows nothing of HTTP or the database.',
      from: { path: '^src/policy/' },
      to: { path: ourExcept('policy', 'scim/protocol', 'shared') },
    },
    {
      name: 'store-is-the-bottom',
      severity: 'error',
      comment: 'The database layer knows no domain: directory, sessions and tokens build on it.',
      from: { path: '^src/store/' },
      to: { path: ourExcept('store', 'shared') },
    },
    {
      name: 'http-plumbing-knows-no-domain',
      severity: 'error',
      comment:
        'src/http is shared by the SCIM and access routers, so it must not import them, nor the directory; the store (write groups) and the pure SCIM protocol (the error body of a 500 under /scim) it may.',
      from: { path: '^src/http/' },
      to: { path: ourExcept('http', 'store', 'shared', 'scim/protocol') },
    },
    {
      name: 'directory-below-scim-and-access',
      severity: 'error',
      comment: 'directory → store only; it never reaches up into routes, access, revocation or HTTP.',
      from: { path: '^src/directory/' },
      to: { path: ourExcept('directory', 'persistence', 'store', 'shared', 'scim/protocol') },
    },
    {
      name: 'directory-takes-only-types-from-scim-protocol',
      severity: 'error',
      comment:
        'The directory speaks SCIM shapes but owns its behaviour and its refusals (DirectoryError); what it needs of SCIM at run time (attribute lookups) is handed in with each search. `import type` only.',
      from: { path: '^src/directory/' },
      to: { path: '^src/scim/protocol/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'persistence-is-interfaces',
      severity: 'error',
      comment: 'The store seam: the interfaces every store implementation (SQLite now, PostgreSQL later) provides, in SCIM shapes only.',
      from: { path: '^src/persistence/' },
      to: { path: ourExcept('persistence', 'scim/protocol', 'shared') },
    },
    {
      name: 'tokens-below-scim',
      severity: 'error',
      comment: 'The bearer-token store sits on the store; the SCIM router and the CLI use it.',
      from: { path: '^src/tokens/' },
      to: { path: ourExcept('tokens', 'persistence', 'store', 'shared', 'crypto') },
    },
    {
      name: 'scim-and-access-are-siblings',
      severity: 'error',
      comment: 'Neither front door imports the other; what both need lives below them.',
      from: { path: '^src/scim/' },
      to: { path: '^src/(access|revocation)/' },
    },
    {
      name: 'access-does-not-import-scim-or-revocation',
      severity: 'error',
      comment: 'access/ reads the directory; revocation/ calls into access/, never the reverse.',
      from: { path: '^src/access/' },
      to: { path: '^src/(scim|revocation)/' },
    },
    {
      name: 'revocation-below-the-routers',
      severity: 'error',
      comment: 'Revocation hooks directory events to sessions; no HTTP, no SCIM routes.',
      from: { path: '^src/revocation/' },
      to: { path: ourExcept('revocation', 'directory', 'access/sessions', 'store', 'shared') },
    },
    {
      name: 'audit-below-its-callers',
      severity: 'error',
      comment: 'The audit log sits on the store; what it records reaches it through the AuditLog interface (persistence/), never by importing its callers.',
      from: { path: '^src/audit/' },
      to: { path: ourExcept('audit', 'persistence', 'store', 'shared', 'crypto') },
    },
    {
      name: 'audit-is-wired-by-the-entry-points',
      severity: 'error',
      comment: 'Only main.ts and cli/ build the audit log; everything else records through the AuditLog interface it is handed.',
      from: { path: SRC, pathNot: '^src/(main\\.ts|cli/|audit/)' },
      to: { path: '^src/audit/' },
    },
    {
      name: 'ssf-below-the-entry-points',
      severity: 'error',
      comment:
        'The SSF transmitter reaches down only: the outbox and subscriber shapes it implements, tokens (receiver tokens), the store, HTTP plumbing, the configuration (its `ssf` section, read in `start.ts`) and leaves; never the routers, the directory or access.',
      from: { path: '^src/ssf/' },
      to: { path: ourExcept('ssf', 'hooks', 'persistence', 'tokens', 'store', 'http', 'shared', 'crypto', 'config') },
    },
    {
      name: 'only-entry-points-build-ssf',
      severity: 'error',
      comment: 'main.ts and cli/ build the transmitter and hand its routes to app.ts and its subscribers to the delivery worker; nothing else imports it.',
      from: { path: SRC, pathNot: '^src/(main\\.ts|cli/|ssf/)' },
      to: { path: '^src/ssf/' },
    },
    {
      name: 'hooks-below-the-entry-points',
      severity: 'error',
      comment:
        'The hooks (outbox, event recorder, delivery worker, webhooks) see the directory, sessions and tokens only through the store seam\'s interfaces; main.ts wires them in. No HTTP routers, no SCIM.',
      from: { path: '^src/hooks/' },
      to: { path: ourExcept('hooks', 'persistence', 'store', 'shared', 'crypto', 'config') },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too: a type-only arrow upwards is still an arrow upwards. The
    // directory's type-only rule (directory-takes-only-types-from-scim-protocol) tells the two apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs'],
    },
  },
};
