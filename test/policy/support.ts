/** Facts and policies for policy tests: a user as the directory would hold them. */
import { compilePolicy, prepareUserFacts, type CompiledPolicy, type GroupFact, type PolicyFacts, type RequestFacts } from '../../src/policy/index.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const engineering: GroupFact = { id: 'g-eng', displayName: 'Engineering', externalId: 'ext-eng' };
export const platform: GroupFact = { id: 'g-plat', displayName: 'Platform Team', externalId: null };
export const contractors: GroupFact = { id: 'g-con', displayName: 'Contractors', externalId: 'ext-con' };

export interface UserInput {
  id?: string;
  userName?: string;
  externalId?: string | null;
  active?: boolean;
  doc?: Record<string, unknown>;
  groups?: GroupFact[];
}

export function alice(input: UserInput = {}) {
  const doc = input.doc ?? {
    userName: 'Alice@Contoso.com',
    userType: 'Employee',
    title: 'Engineer',
    emails: [
      { value: 'Alice@Contoso.com', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home' },
    ],
    [ENTERPRISE]: { department: 'Engineering', employeeNumber: '42', manager: { value: 'm-1', displayName: 'Bob' } },
  };
  return prepareUserFacts(
    { id: input.id ?? 'u-alice', userName: input.userName ?? 'Alice@Contoso.com', externalId: input.externalId === undefined ? 'oid-alice' : input.externalId, active: input.active ?? true, doc },
    input.groups ?? [engineering, platform],
  );
}

export function facts(over: Partial<PolicyFacts> & { request?: Partial<RequestFacts> } = {}): PolicyFacts {
  return {
    user: 'user' in over ? over.user : alice(),
    session: 'session' in over ? over.session : { createdAt: Date.parse('2026-12-02T08:00:00Z'), claims: { amr: ['pwd', 'mfa'], acr: '1', tid: 'tenant-1', auth_time: Date.parse('2026-12-02T08:00:00Z') / 1000 } },
    request: { method: 'GET', path: '/app/x', ip: '10.1.2.3', now: Date.parse('2026-12-02T10:00:00Z'), ...over.request },
  };
}

export function policy(raw: unknown): CompiledPolicy {
  const compiled = compilePolicy(raw);
  if (!compiled.ok) throw new Error(compiled.error.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return compiled.value;
}

/** The problems of a policy that must not compile. */
export function problems(raw: unknown): { path: string; message: string }[] {
  const compiled = compilePolicy(raw);
  if (compiled.ok) throw new Error('compiled, but should not have');
  return compiled.error;
}

/** A one-criterion allow policy. */
export const allowIf = (criterion: Record<string, unknown>): CompiledPolicy => policy({ allow: { and: [criterion] } });
