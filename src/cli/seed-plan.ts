/**
 * The shape of a generated tenant, shared by `scimgate seed` (which loads it over SCIM HTTP)
 * and the nested-groups benchmark (which loads it in-process): deterministic from its options,
 * so both build the same directory.
 *
 * Realistic means Entra-like: users with the enterprise extension; group sizes skewed (a few
 * huge "all staff"-style groups, many small teams); and `chains` nesting chains `depth` deep,
 * each group in a chain a member of the one above it.
 */
export interface SeedOptions {
  users: number;
  groups: number;
  /** Direct user→group memberships, approximately (each group's size is capped at `users`). */
  memberships: number;
  /** Length of each nesting chain (1 = no nesting). */
  depth: number;
  seed?: number;
}

export interface SeedPlan {
  options: SeedOptions;
  userDoc(index: number): Record<string, unknown>;
  groupDoc(index: number): Record<string, unknown>;
  /** User indexes that are direct members of group `index`: a window of distinct users. */
  groupMembers(index: number): { start: number; size: number };
  /** [parent, child] group index pairs: child is a member of parent. */
  nesting: [number, number][];
  /** Chains as group indexes, top first; the last one is the deepest. */
  chains: number[][];
  totalMemberships: number;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Marketing', 'Legal', 'Operations', 'People'];

/** mulberry32: tiny, seedable, good enough to spread test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function planTenant(options: SeedOptions): SeedPlan {
  const rand = random(options.seed ?? 1);
  const { users, groups, memberships } = options;
  const depth = Math.max(1, Math.min(options.depth, groups));
  // Zipf-like sizes (s = 0.8) on shuffled group indexes, scaled to the membership total.
  const weights = Array.from({ length: groups }, (_, i) => 1 / Math.pow(i + 1, 0.8));
  for (let i = groups - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [weights[i], weights[j]] = [weights[j] as number, weights[i] as number];
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.min(users, Math.max(users > 0 ? 1 : 0, Math.round((memberships * w) / sum))));
  const starts = sizes.map(() => Math.floor(rand() * Math.max(1, users)));
  // One chain per 100 groups (at least one), built from the first groups.
  const chainCount = depth > 1 ? Math.max(1, Math.min(Math.floor(groups / 100), Math.floor(groups / depth))) : 0;
  const chains = Array.from({ length: chainCount }, (_, c) => Array.from({ length: depth }, (_, k) => c * depth + k));
  const nesting = chains.flatMap((chain) => chain.slice(1).map((child, k): [number, number] => [chain[k] as number, child]));
  return {
    options: { ...options, depth },
    userDoc: (i) => ({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: `user${i}@seed.example.com`,
      externalId: `seed-user-${i}`,
      active: true,
      displayName: `Seed User ${i}`,
      name: { givenName: 'Seed', familyName: `User ${i}` },
      emails: [{ primary: true, type: 'work', value: `user${i}@seed.example.com` }],
      [ENTERPRISE]: { employeeNumber: String(100000 + i), department: DEPARTMENTS[i % DEPARTMENTS.length] },
    }),
    groupDoc: (j) => ({ schemas: [GROUP_SCHEMA], displayName: `Seed Group ${j}`, externalId: `seed-group-${j}` }),
    groupMembers: (j) => ({ start: starts[j] ?? 0, size: sizes[j] ?? 0 }),
    nesting,
    chains,
    totalMemberships: sizes.reduce((s, n) => s + n, 0),
  };
}

/** The user indexes of a window, wrapping around the user list. */
export function memberIndexes(window: { start: number; size: number }, users: number, from = 0, to = window.size): number[] {
  const out: number[] = [];
  for (let k = from; k < Math.min(to, window.size); k++) out.push((window.start + k) % users);
  return out;
}
