/** Types for scripts/build-if-changed.mjs (imported by its test). */
export function newestMtime(path: string): number;
export function staleReason(base?: string): string | undefined;
