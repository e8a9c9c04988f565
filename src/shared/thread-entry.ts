/**
 * The script a worker thread starts with, for an entry module given as a URL: the compiled `.js`
 * as it is, or — from a source checkout (tests run the `.ts` files) — the TypeScript one through
 * tsx, which a worker thread does not inherit from its parent's loader.
 */
export function threadEntryScript(entry: URL): string {
  const href = entry.href;
  return href.endsWith('.ts')
    ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(href)}); })`
    : `import(${JSON.stringify(href)})`;
}

/** The module `name` beside `base` (an `import.meta.url`): `.ts` when `base` runs from source, else the built `.js`. */
export function besideModule(name: string, base: string): URL {
  return new URL(`./${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base);
}
