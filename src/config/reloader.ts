/**
 * Reloading the configuration while the server runs: on SIGHUP (the CLI calls `reload`) and when
 * the config file changes on disk (fs.watch on its directory, debounced, so editors that write a
 * temp file and rename it, and Kubernetes ConfigMaps that swap a `..data` symlink, are seen too).
 * The whole file is loaded and validated as at boot; only a valid one is applied, and only its
 * reloadable sections (RELOADABLE). An invalid file keeps the last good configuration and the log
 * says why, naming every problem's key. Sections that need a restart are named in the log when
 * they changed, and keep their running values.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Result } from '../shared/result.js';
import { formatProblem, type ConfigError } from './problems.js';
import type { Config } from './types.js';

/** Top-level sections a reload applies; the others are read at boot only. */
export const RELOADABLE: readonly (keyof Config)[] = ['routes', 'hooks'];

export interface ReloadLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ConfigReloaderOptions {
  /** The config file; watched unless `watch` is false. Without one, only `reload` reloads. */
  file: string | undefined;
  /** Loads file + environment + flags exactly as at boot. */
  load(): Result<Config, ConfigError>;
  /** Makes the reloadable sections of `next` current (must not throw for a valid config). */
  apply(next: Config): void;
  initial: Config;
  log: ReloadLog;
  watch?: boolean;
  /** Quiet time after the last change event before reloading (default 250 ms). */
  debounceMs?: number;
  /** Told of every reload that read new contents (applied or refused as invalid), e.g. for the audit log; must not throw. */
  onOutcome?: (trigger: string, outcome: Exclude<ReloadOutcome, { status: 'unchanged' }>) => void;
}

export type ReloadOutcome =
  | { status: 'applied'; config: Config; restartNeeded: string[] }
  | { status: 'unchanged' }
  | { status: 'invalid'; problems: string[] };

export interface ConfigReloader {
  /** Loads, validates and applies now; `trigger` is logged (`SIGHUP`, `file-change`, …). */
  reload(trigger: string): ReloadOutcome;
  /** The configuration last applied (the boot one until a reload succeeds). */
  current(): Config;
  close(): void;
}

export function createConfigReloader(options: ConfigReloaderOptions): ConfigReloader {
  let current = options.initial;
  let lastDigest = options.file ? digest(options.file) : undefined;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;

  const reload = (trigger: string): ReloadOutcome => {
    const fileDigest = options.file ? digest(options.file) : undefined;
    // Watchers fire several events per save (and for the file's neighbours): only new contents count.
    if (trigger === 'file-change' && fileDigest !== undefined && fileDigest === lastDigest) return { status: 'unchanged' };
    const loaded = options.load();
    if (!loaded.ok) {
      const problems = loaded.error.problems.map(formatProblem);
      options.log.error({ trigger, file: options.file, problems }, 'config reload refused: the file is invalid; keeping the last good configuration');
      lastDigest = fileDigest;
      const refused = { status: 'invalid' as const, problems };
      options.onOutcome?.(trigger, refused);
      return refused;
    }
    const next = loaded.value;
    const restartNeeded = changedSections(current, next).filter((key) => !RELOADABLE.includes(key as keyof Config));
    options.apply(next);
    // What runs now: the new reloadable sections, the old everything else.
    current = { ...current, ...Object.fromEntries(RELOADABLE.map((key) => [key, next[key]])) };
    lastDigest = fileDigest;
    options.log.info({ trigger, file: options.file, routes: next.routes.length }, 'config reloaded');
    if (restartNeeded.length > 0) options.log.warn({ trigger, sections: restartNeeded }, 'config changes that need a restart were not applied');
    const applied = { status: 'applied' as const, config: next, restartNeeded };
    options.onOutcome?.(trigger, applied);
    return applied;
  };

  if (options.file && options.watch !== false) {
    const name = basename(options.file);
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        reload('file-change');
      }, options.debounceMs ?? 250);
      timer.unref();
    };
    try {
      // The directory, not the file: a rename-over replaces the inode a file watch would follow.
      watcher = watch(dirname(options.file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name || changed.startsWith('..')) schedule();
      });
      watcher.on('error', (error) => options.log.warn({ err: error, file: options.file }, 'config file watch stopped; SIGHUP still reloads'));
    } catch (error) {
      options.log.warn({ err: error, file: options.file }, 'cannot watch the config file; SIGHUP still reloads');
    }
  }

  return {
    reload,
    current: () => current,
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}

function digest(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Top-level sections whose values differ (URLs by href, CIDR lists by their entries). */
export function changedSections(a: Config, b: Config): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Config>;
  return [...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}
