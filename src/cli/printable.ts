/**
 * Text from the database made safe for a terminal table: a userName or an actor is chosen by a
 * SCIM client or an identity provider, and a tab or newline in one could fake columns or whole
 * rows of an operator's view. Control characters (and the backslash, so the result stays
 * unambiguous) are shown escaped; everything else as it is.
 */
const UNPRINTABLE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
