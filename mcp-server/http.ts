// MCP over Streamable HTTP at /mcp, inside `curator serve`. Stateful: each client gets a session
// (Mcp-Session-Id) with its own McpServer, because approvals are bound to a conversation (the session
// id) and an approval prompt (elicitation) is a server-to-client request that needs the session's
// stream. The SDK's Web-standard transport takes Hono's fetch Request and returns a Response.
// Guards, in order: endpoint off without MCP_TOKEN (503), Host/Origin against DNS rebinding (403;
// createApp's hostGuard already checks them on every route, this repeats it so a bare mount is safe
// too), bearer token (401). Bodies: the transport reads at most 4 MiB (413 beyond), only after the
// token matched. Approval prompts (elicitation) only with MCP_HTTP_ELICITATION=on: a client holding
// MCP_TOKEN may be a program, and a program answering `accept` is not a person approving.
import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Context, Hono } from 'hono';
import { bearerMatches } from '../core/auth.ts';
import type { Deps } from '../core/deps.ts';
import { hostAllowed, originAllowed } from '../core/host-check.ts';
import { type CuratorMcpServer, createMcpServer } from './server.ts';

export const MCP_PATH = '/mcp';
/** The largest POST body the MCP endpoint reads. */
export const MCP_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface MountMcpOptions {
  /** Open sessions kept at most; the least recently used one is closed to make room. */
  maxSessions?: number;
  /** A session without requests for this long is closed; its client re-initializes. */
  idleMs?: number;
}

export interface McpHttpEndpoint {
  /** Whether the endpoint is on (MCP_TOKEN set). */
  enabled: boolean;
  sessionCount(): number;
  /** Closes every session (open SSE streams included), e.g. before the HTTP server stops. */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  mcp: CuratorMcpServer;
  lastSeen: number;
}

function problem(
  c: Context,
  status: 401 | 403 | 404 | 400 | 503,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ error: { code, message } }, status);
}

/** JSON-RPC shaped error, as MCP clients expect from the endpoint itself (e.g. unknown session). */
function rpcError(status: 400 | 404, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function mountMcp(app: Hono, deps: Deps, opts: MountMcpOptions = {}): McpHttpEndpoint {
  const { config, log } = deps;
  const token = config.mcp.token;
  const maxSessions = opts.maxSessions ?? 100;
  const idleMs = opts.idleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();

  if (!token) {
    log.warn(
      `MCP over HTTP is off: MCP_TOKEN is not set, so ${MCP_PATH} answers 503 (\`curator mcp\` on stdio still works)`,
    );
    app.all(MCP_PATH, (c) =>
      problem(
        c,
        503,
        'unavailable',
        'MCP over HTTP is off on this server: set MCP_TOKEN (16+ characters) and restart `curator serve`.',
      ),
    );
    return { enabled: false, sessionCount: () => 0, close: async () => {} };
  }
  log.info(
    {
      path: MCP_PATH,
      allowedHosts: config.mcp.allowedHosts,
      allowedOrigins: config.mcp.allowedOrigins,
    },
    'MCP over HTTP is on (bearer token required)',
  );

  async function drop(id: string): Promise<void> {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    await s.transport.close().catch(() => {});
    await s.mcp.close().catch(() => {});
  }

  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const [id, s] of sessions) if (s.lastSeen < cutoff) void drop(id);
    },
    Math.min(idleMs, 60_000),
  );
  sweep.unref();

  async function open(c: Context): Promise<Response> {
    if (sessions.size >= maxSessions) {
      const oldest = [...sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
      if (oldest) await drop(oldest[0]);
    }
    const mcp = createMcpServer(deps, { elicitApproval: config.mcp.httpElicitation });
    let session: Session | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // The SDK's default, said here so a change of default cannot lift it: JSON-RPC messages are
      // small, and the transport reads a body whole before parsing it.
      maxRequestBodySize: MCP_MAX_BODY_BYTES,
      onsessioninitialized: (id) => {
        session = { transport, mcp, lastSeen: Date.now() };
        sessions.set(id, session);
        log.debug({ session: id, sessions: sessions.size }, 'mcp: session opened');
      },
      onsessionclosed: (id) => {
        log.debug({ session: id }, 'mcp: session closed by client');
        void drop(id);
      },
    });
    transport.onerror = (err) => log.debug({ err }, 'mcp http: transport error');
    await mcp.server.connect(transport);
    const res = await transport.handleRequest(c.req.raw);
    // Not an initialize request: the transport has answered with the reason; nothing to keep.
    if (!session) await mcp.close().catch(() => {});
    return res;
  }

  app.all(MCP_PATH, async (c) => {
    if (!hostAllowed(c.req.header('host'), config)) {
      return problem(
        c,
        403,
        'forbidden',
        'Host not allowed for MCP (DNS rebinding protection); add it to MCP_ALLOWED_HOSTS.',
      );
    }
    if (!originAllowed(c.req.header('origin'), config, c.req.header('host'))) {
      return problem(
        c,
        403,
        'forbidden',
        'Origin not allowed for MCP (DNS rebinding protection); add it to MCP_ALLOWED_ORIGINS.',
      );
    }
    if (!bearerMatches(c.req.header('authorization'), token)) {
      return problem(c, 401, 'unauthorized', 'MCP needs `Authorization: Bearer <MCP_TOKEN>`.', {
        'www-authenticate': 'Bearer realm="curator-mcp"',
      });
    }
    const id = c.req.header('mcp-session-id');
    if (id) {
      const s = sessions.get(id);
      if (!s)
        return rpcError(
          404,
          -32001,
          'Session not found: it expired or the server restarted; initialize again.',
        );
      s.lastSeen = Date.now();
      return s.transport.handleRequest(c.req.raw);
    }
    if (c.req.method !== 'POST')
      return rpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return open(c);
  });

  return {
    enabled: true,
    sessionCount: () => sessions.size,
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map(drop));
    },
  };
}
