// The protected application behind nginx: a tiny HTTP server that shows which identity headers
// nginx handed it, as HTML for the browser (and screenshots) and as JSON for assertions.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  port: number;
  close(): Promise<void>;
}

/** Headers the suite forwards from the auth subrequest (see nginx-conf.ts). */
const SHOWN = ['x-user', 'x-email', 'x-groups'] as const;

export async function startUpstream(): Promise<Upstream> {
  const server = createServer((req, res) => {
    const seen = Object.fromEntries(SHOWN.map((h) => [h, req.headers[h] ?? null]));
    const rows = SHOWN.map((h) => `<tr><th>${h}</th><td id="${h}">${escapeHtml(String(seen[h] ?? ''))}</td></tr>`).join('');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>upstream</title><h1>Upstream app</h1><p id="path">${escapeHtml(req.url ?? '')}</p>` +
        `<table>${rows}</table>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
