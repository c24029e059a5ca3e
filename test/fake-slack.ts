// A local fake of the Slack Web API for tests: it answers the methods Curator calls with Slack's
// own response shapes and records every call (form or JSON bodies, as the Web API client sends
// them). apps.connections.open hands out a WebSocket URL of this same server for Socket Mode.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SlackCall {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent
  body: Record<string, any>;
}

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  /** Calls to a method, in order. */
  of(method: string): SlackCall[];
  /** Waits until `n` calls of `method` have arrived. */
  waitFor(method: string, n?: number, timeoutMs?: number): Promise<SlackCall[]>;
  /** Channels where chat.postMessage answers not_in_channel. */
  notIn: Set<string>;
  /** Methods answered once with HTTP 429 and Retry-After: 1 (Slack's rate limit), then normally. */
  limitOnce: Set<string>;
  /** The Socket Mode connections the fake has accepted. */
  sockets: WebSocket[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return text ? JSON.parse(text) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    // The Web API client sends nested fields (blocks) as JSON strings in a form.
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const notIn = new Set<string>();
  const limitOnce = new Set<string>();
  const sockets: WebSocket[] = [];
  let seq = 100;
  const server: Server = createServer(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/(?:api\/)?/, '').replace(/\?.*$/, '');
    const body = await readBody(req);
    calls.push({ method, body });
    const reply = (o: object) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (limitOnce.delete(method)) {
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (method === 'auth.test') {
      return reply({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'curator' });
    }
    if (method === 'chat.postMessage') {
      if (notIn.has(String(body.channel))) return reply({ ok: false, error: 'not_in_channel' });
      return reply({
        ok: true,
        channel: body.channel,
        ts: `1700000000.${String(seq++).padStart(6, '0')}`,
      });
    }
    if (method === 'chat.update') return reply({ ok: true, channel: body.channel, ts: body.ts });
    if (method === 'apps.connections.open') {
      const { port } = server.address() as AddressInfo;
      return reply({ ok: true, url: `ws://127.0.0.1:${port}/socket` });
    }
    // response_url posts (respond()) and anything else: accepted.
    return reply({ ok: true });
  });
  const wss = new WebSocketServer({ server, path: '/socket' });
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A1' },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const of = (m: string) => calls.filter((c) => c.method === m);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    of,
    notIn,
    limitOnce,
    sockets,
    async waitFor(method, n = 1, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (of(method).length < n) {
        if (Date.now() > until) {
          throw new Error(
            `waited for ${n} ${method}; got ${JSON.stringify(calls.map((c) => c.method))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return of(method);
    },
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
