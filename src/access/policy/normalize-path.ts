/**
 * The paths a request path could mean, for route matching. A proxy hands us the path as the
 * browser sent it, but the upstream behind it decides what it serves: Tomcat drops `;params`,
 * IIS and Windows drop trailing dots and spaces and decode twice, many frameworks decode `%2F`
 * into a separator. So a path is read two ways (docs/policy.md, "Path matching"):
 *
 * - the **literal** reading, as nginx and a standards-following upstream see it: query and
 *   fragment dropped, percent-encoded unreserved characters decoded (`%61` → `a`), `\` as `/`,
 *   repeated slashes merged, `.`/`..` segments resolved (also `%2e`);
 * - the **lenient** reading, as the most forgiving upstream could see it: every escape decoded
 *   until none is left (so `%252f` → `/`), Unicode compatibility forms folded (NFKC: `ａ` → `a`),
 *   `\` as `/`, in each segment `;params` removed and surrounding whitespace and trailing dots
 *   trimmed, then slashes merged and dot segments resolved again.
 *
 * Paths no upstream should be trusted to read the same way are refused outright: NUL and other
 * control characters, malformed or overlong UTF-8 (`%c0%af`), `%` not followed by two hex digits
 * (IIS's `%u0061`), and escapes still left after four rounds of decoding. Case is not folded
 * here: whether it matters is each route's choice (match-route.ts).
 */

export type PathReadings = { ok: true; literal: string; lenient: string } | { ok: false; reason: string };

const UNRESERVED_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DdEe]|5[Ff]|7[Ee])/g;
/** A segment char that is neither a dot nor `;` nor `%`; dots may appear only inside a segment. */
const PLAIN_SEGMENT = "[A-Za-z0-9_~!$&'()*+,=:@-](?:[A-Za-z0-9_.~!$&'()*+,=:@-]*[A-Za-z0-9_~!$&'()*+,=:@-])?";
/** Both readings of such a path are the path itself: no escapes, `;`, backslashes, dot, empty or dotted-edge segments. */
const PLAIN_PATH = new RegExp(`^(?:/${PLAIN_SEGMENT})*/?$`);
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_DECODE_ROUNDS = 4;

export function pathReadings(path: string): PathReadings {
  const bare = withoutQuery(path);
  if (PLAIN_PATH.test(bare)) {
    const plain = bare === '' ? '/' : bare;
    return { ok: true, literal: plain, lenient: plain };
  }
  if (BAD_ESCAPE.test(bare)) return { ok: false, reason: '"%" not followed by two hex digits' };
  if (CONTROL.test(bare)) return { ok: false, reason: 'control character in the path' };
  const decoded = decodeFully(bare);
  if (!decoded.ok) return decoded;
  return { ok: true, literal: literalPath(bare), lenient: resolveSegments(decoded.value.normalize('NFKC')) };
}

/**
 * The paths a policy's `http_path` is evaluated on: the literal reading, then the lenient one when
 * it differs; none when the path is refused. Forward auth and explain both take them from here,
 * so explain shows the readings a decision used.
 */
export function readingPaths(path: string): readonly string[] {
  const readings = pathReadings(path);
  if (!readings.ok) return [];
  return readings.literal === readings.lenient ? [readings.literal] : [readings.literal, readings.lenient];
}

/** The literal reading alone (see the module comment); never refuses. */
export function normalizePath(path: string): string {
  const bare = withoutQuery(path);
  if (PLAIN_PATH.test(bare)) return bare === '' ? '/' : bare;
  return literalPath(bare);
}

function withoutQuery(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

function literalPath(bare: string): string {
  const decoded = bare.replace(UNRESERVED_ESCAPE, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 16)));
  const merged = `/${decoded}`.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  return new URL(merged, 'http://route.invalid').pathname;
}

/** Decodes escapes round after round until none is left; refuses what no upstream reads one way. */
function decodeFully(bare: string): { ok: true; value: string } | { ok: false; reason: string } {
  let text = bare;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    if (!/%[0-9A-Fa-f]{2}/.test(text)) return { ok: true, value: text };
    try {
      // A lone `%` left by an earlier round (`%25` → `%`) is a literal percent sign, not an escape.
      text = text.replace(ESCAPE_RUN, (run) => decodeURIComponent(run));
    } catch {
      return { ok: false, reason: 'escapes that are not well-formed UTF-8 (overlong or truncated)' };
    }
    if (CONTROL.test(text)) return { ok: false, reason: 'an encoded control character in the path' };
  }
  return /%[0-9A-Fa-f]{2}/.test(text) ? { ok: false, reason: `escapes left after ${MAX_DECODE_ROUNDS} rounds of decoding` } : { ok: true, value: text };
}

/** The lenient reading's segment rules, then dot segments resolved and empty segments merged. */
function resolveSegments(decoded: string): string {
  const out: string[] = [];
  const parts = decoded.replace(/\\/g, '/').split('/');
  let trailingSlash = false;
  for (const [index, part] of parts.entries()) {
    if (index === 0 && part === '') continue;
    const semicolon = part.indexOf(';');
    let segment = (semicolon === -1 ? part : part.slice(0, semicolon)).trim();
    if (segment !== '.' && segment !== '..') segment = segment.replace(/[.\s]+$/u, '');
    const last = index === parts.length - 1;
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
    trailingSlash = last && (segment === '' || segment === '.' || segment === '..');
  }
  const joined = `/${out.join('/')}`;
  return trailingSlash && joined !== '/' ? `${joined}/` : joined;
}
