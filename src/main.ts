/**
 * Boot: open the store (migrating it), build the app from its parts, listen, and shut down
 * cleanly on SIGINT/SIGTERM. The only module that touches process-wide state.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.js';
import { createDirectory } from './directory/index.js';
import { createLogger, type Logger } from './http/logger.js';
import { openStore } from './store/index.js';
import { createTokenService } from './tokens/index.js';

export interface ServeSettings {
  host: string;
  port: number;
  databasePath: string;
  publicUrl?: string | undefined;
  bootstrapToken?: string | undefined;
  logLevel?: string | undefined;
}

export interface RunningServer {
  url: string;
  server: ServerType;
  close(): Promise<void>;
}

export async function startServer(settings: ServeSettings, logger: Logger = createLogger({ level: settings.logLevel })): Promise<RunningServer> {
  const store = openStore(settings.databasePath);
  const tokens = createTokenService(store);
  if (settings.bootstrapToken) {
    const { outcome, record } = tokens.ensureBootstrapToken(settings.bootstrapToken);
    logger.info({ token: record.name, outcome }, 'bootstrap SCIM token from SCIMGATE_SCIM_TOKEN');
    if (record.revokedAt) logger.warn({ token: record.name }, 'the bootstrap SCIM token is revoked; set a new value to re-enable it');
  }
  const directory = createDirectory({ store });
  const app = createApp({ directory, tokens, logger, publicUrl: settings.publicUrl });

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  const url = settings.publicUrl ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info({ database: settings.databasePath, scimBaseUrl: `${url}/scim/v2` }, 'scimgate listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => {
        store.close();
        resolve();
      });
      // Keep-alive connections would hold close() open; SCIM clients retry, so end them.
      if ('closeAllConnections' in server) server.closeAllConnections();
    }));
  return { url, server, close };
}
