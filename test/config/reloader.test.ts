// Reloading the config from a real file on disk: SIGHUP-style reloads, file watching, invalid
// files kept out, and restart-only sections named instead of applied.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfigReloader, loadConfig, type Config, type ConfigReloader } from '../../src/config/index.js';

const dirs: string[] = [];
const reloaders: ConfigReloader[] = [];
afterEach(() => {
  for (const r of reloaders.splice(0)) r.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const yaml = (groups: string, extra = '') => `server:\n  port: 8080\n${extra}routes:\n  - host: app.example.com\n    allowedGroups: [${groups}]\n`;

function setup(initial: string, options: { watch?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-reload-'));
  dirs.push(dir);
  const file = join(dir, 'scimgate.yaml');
  writeFileSync(file, initial);
  const load = () => loadConfig({ file, env: {} });
  const first = load();
  if (!first.ok) throw new Error(first.error.message);
  const applied: Config[] = [];
  const waiters: (() => void)[] = [];
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: object, message: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message });
  const reloader = createConfigReloader({
    file,
    load,
    apply: (next) => {
      applied.push(next);
      waiters.splice(0).forEach((wake) => wake());
    },
    initial: first.value,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    watch: options.watch ?? false,
    debounceMs: 20,
  });
  reloaders.push(reloader);
  const nextApply = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { dir, file, reloader, applied, lines, nextApply };
}

const groupsOf = (config: Config) => config.routes.map((r) => r.allowedGroups.join(','));

describe('config reload', () => {
  it('applies a changed, valid file and logs it', () => {
    const t = setup(yaml('Staff'));
    writeFileSync(t.file, yaml('Admins'));
    const outcome = t.reloader.reload('SIGHUP');
    expect(outcome.status).toBe('applied');
    expect(t.applied.map(groupsOf)).toEqual([['Admins']]);
    expect(groupsOf(t.reloader.current())).toEqual(['Admins']);
    expect(t.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'config reloaded', fields: expect.objectContaining({ trigger: 'SIGHUP' }) }));
  });

  it('an invalid file keeps the last good configuration, and the log names every problem by key', () => {
    const t = setup(yaml('Staff'));
    writeFileSync(t.file, `routes:\n  - host: app.example.com\n    allowedGroups: []\n    bogus: 1\n`);
    const outcome = t.reloader.reload('SIGHUP');
    const problems = ['routes.0.allowedGroups (line 3): must list at least 1 item(s)', 'routes.0.bogus (line 4): unknown key'];
    expect(outcome).toEqual({ status: 'invalid', problems });
    expect(t.applied).toEqual([]);
    expect(groupsOf(t.reloader.current())).toEqual(['Staff']);
    const refused = t.lines.find((l) => l.level === 'error');
    expect(refused?.message).toMatch(/keeping the last good configuration/);
    expect(refused?.fields.problems).toEqual(problems);
  });

  it('YAML that does not parse is refused the same way', () => {
    const t = setup(yaml('Staff'));
    writeFileSync(t.file, 'routes: [\n');
    const outcome = t.reloader.reload('SIGHUP');
    expect(outcome.status).toBe('invalid');
    expect(groupsOf(t.reloader.current())).toEqual(['Staff']);
  });

  it('sections that need a restart keep their running values and are named in the log', () => {
    const t = setup(yaml('Staff'));
    writeFileSync(t.file, yaml('Admins').replace('port: 8080', 'port: 9090'));
    const outcome = t.reloader.reload('SIGHUP');
    // The default redirect allow-list follows the public URL, which follows the port.
    expect(outcome).toMatchObject({ status: 'applied', restartNeeded: ['server', 'redirects'] });
    expect(t.reloader.current().server.port).toBe(8080);
    expect(groupsOf(t.reloader.current())).toEqual(['Admins']);
    expect(t.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ sections: ['server', 'redirects'] }) }));
  });

  it('a change to the file on disk is picked up without a signal', async () => {
    const t = setup(yaml('Staff'), { watch: true });
    const applied = t.nextApply();
    writeFileSync(t.file, yaml('Watched'));
    await applied;
    expect(groupsOf(t.reloader.current())).toEqual(['Watched']);
  });

  it('so is a file replaced by rename, as editors and ConfigMaps do', async () => {
    const t = setup(yaml('Staff'), { watch: true });
    const applied = t.nextApply();
    const temp = join(t.dir, '.scimgate.yaml.tmp');
    writeFileSync(temp, yaml('Renamed'));
    renameSync(temp, t.file);
    await applied;
    expect(groupsOf(t.reloader.current())).toEqual(['Renamed']);
  });

  it('a watched save with the same contents is not a reload', () => {
    const t = setup(yaml('Staff'));
    writeFileSync(t.file, yaml('Staff'));
    expect(t.reloader.reload('file-change')).toEqual({ status: 'unchanged' });
    expect(t.reloader.reload('SIGHUP').status).toBe('applied');
  });
});
