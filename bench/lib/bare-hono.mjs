/**
 * The baseline: the smallest hono + @hono/node-server app that answers every request with a tiny
 * JSON body and the status in BARE_STATUS (200 for SCIM reads, 202 for forward auth). Run as its
 * own child process so it gets the same CPU share as the scimgate server it is compared to.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const status = Number(process.env.BARE_STATUS ?? 200);
const app = new Hono();
app.all('*', (c) => c.json({ ok: true }, status));

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
process.once('SIGTERM', () => process.exit(0));
