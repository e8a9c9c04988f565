// Runs a real nginx (the Debian package) in the foreground on a generated config, as the suite's
// child process: `nginx -p DIR -c CONF -e LOG -g 'daemon off;'`, checked with `-t` first so a
// config mistake fails with nginx's own message.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, waitForHttp } from './child-process.js';
import type { RunningChild } from './child-process.js';
import { renderNginxConf } from './nginx-conf.js';
import type { NginxConfOptions } from './nginx-conf.js';

export const NGINX_BINARY = process.env.NGINX_BINARY ?? '/usr/sbin/nginx';

export interface Nginx {
  origin: string;
  child: RunningChild;
  /** Tail of nginx's error log (it writes there, not to stderr), for assertion messages. */
  errorLog(): string;
  stop(): Promise<void>;
}

export async function startNginx(options: NginxConfOptions): Promise<Nginx> {
  // Workers may run as another user when nginx is not root: let them read and write the dir.
  chmodSync(options.dir, 0o777);
  const conf = join(options.dir, 'nginx.conf');
  writeFileSync(conf, renderNginxConf(options));
  const errorLogPath = join(options.dir, 'error.log');
  const args = ['-p', options.dir, '-c', conf, '-e', errorLogPath];
  execFileSync(NGINX_BINARY, [...args, '-t', '-q'], { stdio: 'pipe' });
  const child = startChild({ name: 'nginx', command: NGINX_BINARY, args: [...args, '-g', 'daemon off;'] });
  const origin = `http://127.0.0.1:${options.listenPort}`;
  await waitForHttp(child, `${origin}/oauth2/start`);
  const errorLog = (): string => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8').slice(-4000) : '');
  return { origin, child, errorLog, stop: () => child.stop() };
}
