/**
 * `claim/<name>`: an ID-token claim kept with the session at sign-in (`amr`, `acr`, `tid`,
 * `idp`, …). Case-sensitive (exact), as in Pomerium. A list claim (`amr: ["pwd", "mfa"]`)
 * matches when some element does; numbers and booleans compare by their JSON text (`true`,
 * `2`); objects never match. A claim the session did not keep is a missing fact: false. Without
 * a session at all (explain, access review) the claim is unknown (nodes.ts), not false.
 * Matchers: is, in, not_in, starts_with, ends_with, contains (a scalar means `is`).
 */
import type { Names, SessionFacts } from '../types.js';
import type { CriterionDef } from './criterion.js';
import { compileNamesCriterion } from './names-criterion.js';

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

function namesOf(value: unknown): Names | undefined {
  const list = Array.isArray(value) ? value : [value];
  const exact: string[] = [];
  for (const item of list) {
    const text = scalarText(item);
    if (text !== undefined) exact.push(text);
  }
  return exact.length === 0 ? undefined : { exact, folded: [] };
}

export function claimNames(session: SessionFacts, name: string): Names | undefined {
  let memo = session.claimNames;
  if (!memo) session.claimNames = memo = new Map();
  if (memo.has(name)) return memo.get(name);
  const names = Object.hasOwn(session.claims, name) ? namesOf(session.claims[name]) : undefined;
  memo.set(name, names);
  return names;
}

export const claim: CriterionDef = {
  subPath: 'required',
  compile(value, ctx) {
    const name = ctx.sub ?? '';
    return compileNamesCriterion(`claim/${name}`, value, ctx, {
      reads: [`claim/${name}`],
      names: (facts) => (facts.session ? claimNames(facts.session, name) : undefined),
      describe: (facts) => {
        if (!facts.session) return 'no session';
        return Object.hasOwn(facts.session.claims, name) ? `${name} = ${JSON.stringify(facts.session.claims[name])}` : `${name} absent from the session`;
      },
    });
  },
};
