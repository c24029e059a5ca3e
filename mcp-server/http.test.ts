import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { serverApp } from '../cli/serve.ts';
import { bearerMatches } from '../core/auth.ts';
import type { Env } from '../core/config.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { type SeededLibrary, seedLibrary } from './fixtures.ts';
import { MCP_MAX_BODY_BYTES, type McpHttpEndpoint, mountMcp } from './http.ts';

const TOKEN = 'test-token-0123456789abcdef';

interface Running {
  env: TestEnv;
  lib: SeededLibrary;
  url: URL;
  port: number;
  endpoint?: McpHttpEndpoint;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** The real server app (serve mounts /mcp beside the HTTP surface) on an ephemeral port, or a bare Hono with mountMcp for handle access. */
async function start(overrides: Env = { MCP_TOKEN: TOKEN }, bare = false): Promise<Running> {
  const env = await makeTestDeps(overrides);
  cleanups.push(() => env.cleanup());
  const lib = await seedLibrary(env.deps);
  let endpoint: McpHttpEndpoint | undefined;
  let app: Hono;
  if (bare) {
    app = new Hono();
    endpoint = mountMcp(app, env.deps, { maxSessions: 2 });
    cleanups.push(() => endpoint!.close());
  } else {
    app = serverApp(env.deps);
  }
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { env, lib, url: new URL(`http://127.0.0.1:${port}/mcp`), port, endpoint };
}

async function connect(url: URL, token = TOKEN): Promise<Client & { sessionId?: string }> {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return Object.assign(client, { sessionId: transport.sessionId });
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '0' },
  },
});

/** A raw POST with full control over Host (fetch would not let us forge it). */
function rawPost(
  port: number,
  headers: Record<string, string>,
  body = initialize,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const text = (r: unknown) =>
  (((r as { content?: unknown }).content as Array<{ text?: string }>) ?? [])
    .map((c) => c.text ?? '')
    .join('\n');

describe('MCP over Streamable HTTP', () => {
  it('serves tools, resources and prompts to the SDK client with the bearer token', async () => {
    const { url, lib } = await start();
    const client = await connect(url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list-assets', 'get-asset']));

    const r = await client.callTool({
      name: 'list-assets',
      arguments: { campaign: 'spring-sale' },
    });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { total: number }).total).toBe(3);

    const a = lib.assets[1]!;
    const res = await client.readResource({ uri: `asset://${a.id}` });
    expect(res.contents.map((c) => c.mimeType)).toEqual(['application/json', 'image/webp']);

    const p = await client.getPrompt({
      name: 'review-campaign',
      arguments: { campaign: 'spring-sale' },
    });
    expect((p.messages[0]!.content as { text: string }).text).toMatch(/list-assets/);

    const bad = await client.callTool({ name: 'list-assets', arguments: { limit: 0 } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/limit: Too small: expected number to be >=1/);
  });

  it('a tool that needs approval returns a pending action bound to the session and changes nothing', async () => {
    const { url, lib, env } = await start();
    const client = await connect(url);
    const ids = lib.assets.map((a) => a.id);
    const r = await client.callTool({
      name: 'set-asset-status',
      arguments: { assetIds: ids, status: 'archived' },
    });
    expect(r.isError).toBeFalsy();
    const { pending: approval, howToApprove } = r.structuredContent as {
      pending: { status: string; id: string };
      howToApprove: string;
    };
    expect(approval.status).toBe('pending');
    expect(howToApprove).toContain(`--conversation ${client.sessionId}`);
    expect((await env.deps.assets.byIds(ids)).map((a) => a.status)).toEqual([
      'draft',
      'draft',
      'draft',
    ]);
    const approvals = env.deps.approvalGate;
    expect((await approvals.pending(client.sessionId!)).map((a) => a.id)).toEqual([approval.id]);
    // Another MCP session cannot approve it by quoting the id.
    await expect(
      approvals.approve(
        approval.id,
        { id: 'mcp-user', surface: 'mcp' },
        { conversationId: 'another-session' },
      ),
    ).rejects.toThrow(/another conversation/);
  });

  /** A client that says yes to every approval prompt, as a script holding MCP_TOKEN would. */
  async function connectAutoAccepting(url: URL): Promise<Client & { sessionId?: string }> {
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
    const client = new Client(
      { name: 'ide', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => ({
      action: 'accept',
      content: { approve: true },
    }));
    await client.connect(transport);
    cleanups.push(() => client.close());
    return Object.assign(client, { sessionId: transport.sessionId });
  }

  const askForReview = (client: Client, id: string) =>
    client.callTool({
      name: 'set-asset-status',
      arguments: { assetIds: [id], status: 'needs_review' },
    });

  it('by default never asks the client to approve, so a client that accepts everything changes nothing', async () => {
    const { url, lib, env } = await start();
    const client = await connectAutoAccepting(url);
    const target = lib.assets[2]!;
    const r = await askForReview(client, target.id);
    expect(r.isError).toBeFalsy();
    const { pending: approval, howToApprove } = r.structuredContent as {
      pending: { status: string; id: string };
      howToApprove: string;
    };
    expect(approval.status).toBe('pending');
    expect(howToApprove).toMatch(/curator mcp approve/);
    expect((await env.deps.assets.get(target.id)).status).toBe('draft');
    const pending = await env.deps.approvalGate.pending(client.sessionId!);
    expect(pending.map((a) => a.id)).toEqual([approval.id]);
  });

  it('with MCP_HTTP_ELICITATION=on asks the person at the client over the session stream and runs the action when they accept', async () => {
    const { url, lib, env } = await start({ MCP_TOKEN: TOKEN, MCP_HTTP_ELICITATION: 'on' });
    const client = await connectAutoAccepting(url);
    const target = lib.assets[2]!;
    const r = await askForReview(client, target.id);
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ changed: [{ id: target.id }] });
    expect((await env.deps.assets.get(target.id)).status).toBe('needs_review');
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const { url, port } = await start();
    const none = await rawPost(port, {});
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.message).toMatch(/Bearer/);
    const wrong = await rawPost(port, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    await expect(connect(url, 'wrong-token-0000000000')).rejects.toThrow();
  });

  it('answers 403 for a foreign Origin or Host even with the right token', async () => {
    const { port } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const origin = await rawPost(port, { ...auth, origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body).error.message).toMatch(/Origin not allowed/);
    const host = await rawPost(port, { ...auth, host: `evil.example:${port}` });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body).error.message).toMatch(/Host not allowed/);
    const ok = await rawPost(port, { ...auth, origin: `http://localhost:${port}` });
    expect(ok.status).toBe(200);
  });

  it('accepts the hosts and origins configured in MCP_ALLOWED_HOSTS / MCP_ALLOWED_ORIGINS', async () => {
    const { port } = await start({
      MCP_TOKEN: TOKEN,
      MCP_ALLOWED_HOSTS: 'curator.internal',
      MCP_ALLOWED_ORIGINS: 'https://studio.example.com',
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await rawPost(port, { ...auth, host: `curator.internal:${port}` })).status).toBe(200);
    expect((await rawPost(port, { ...auth, origin: 'https://studio.example.com' })).status).toBe(
      200,
    );
    expect(
      (await rawPost(port, { ...auth, origin: 'https://studio.example.com.evil.example' })).status,
    ).toBe(403);
  });

  it('refuses a body over 4 MiB with 413 and reads one under it', async () => {
    const { port } = await start();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const padded = (bytes: number) => {
      const msg = JSON.parse(initialize);
      msg.params._meta = { pad: 'x'.repeat(bytes) };
      return JSON.stringify(msg);
    };
    const big = await rawPost(port, auth, padded(MCP_MAX_BODY_BYTES + 1024));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.message).toMatch(/Payload Too Large/);
    const under = await rawPost(port, auth, padded(2 * 1024 * 1024));
    expect(under.status, under.body.slice(0, 300)).toBe(200);
  });

  it('is off, with a reason, when MCP_TOKEN is unset', async () => {
    const { port } = await start({});
    const res = await rawPost(port, {});
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).error.message).toMatch(/MCP_TOKEN/);
  });

  it('keeps sessions apart, forgets unknown ones and caps how many stay open', async () => {
    const { url, port, endpoint } = await start({ MCP_TOKEN: TOKEN }, true);
    const a = await connect(url);
    const b = await connect(url);
    expect(endpoint!.sessionCount()).toBe(2);
    const c = await connect(url);
    // The least recently used session made room for the third.
    expect(endpoint!.sessionCount()).toBe(2);
    await expect(a.listTools()).rejects.toThrow(/Session not found|404/);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
    expect((await c.listTools()).tools.length).toBeGreaterThan(0);
    const stale = await rawPost(port, {
      authorization: `Bearer ${TOKEN}`,
      'mcp-session-id': 'no-such-session',
    });
    expect(stale.status).toBe(404);
    await c.close();
    await endpoint!.close();
    expect(endpoint!.sessionCount()).toBe(0);
  });
});

describe('MCP bearer token', () => {
  it('compares bearer tokens exactly', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
  });
});
