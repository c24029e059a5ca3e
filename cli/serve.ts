import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import ipaddr from 'ipaddr.js';
import { createAgent } from '../agent/agent.ts';
import { type Config, loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { mountMcp } from '../mcp-server/http.ts';
import { enrich } from '../search/enrich.ts';
import { createSlack } from '../slack-app/app.ts';
import { CLIP_PROVIDER } from '../vision/clip.ts';
import { BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { OCR_MODEL } from '../vision/ocr.ts';
import { createApp } from '../web-chat/app.ts';
import { ensureUi } from '../web-chat/ui-build.ts';

export const summary =
  'run the HTTP server (web chat at /, API, files, MCP at /mcp); seeds the demo library on an empty store';

/**
 * The HTTP surface and the MCP endpoint side by side on one server: neither imports the other.
 * MCP over Streamable HTTP answers at /mcp (bearer token, the same Host/Origin guard); it is off
 * without MCP_TOKEN. `onClose` receives the hook that closes MCP sessions before the store closes.
 */
/** A handler that takes some requests at the socket, before Hono (Slack's receiver). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function serverApp(
  deps: Deps,
  onClose: (fn: () => Promise<void>) => void = () => {},
  onStart: (fn: () => Promise<void>) => void = () => {},
  onNode: (h: NodeHandler) => void = () => {},
): Hono {
  // One agent for the page and for Slack: the same model, the same catalog.
  const agent = createAgent(deps);
  const app = createApp(deps, { agent });
  onClose(mountMcp(app, deps).close);
  const slack = createSlack(deps, agent);
  if (slack) {
    if (slack.handle) onNode(slack.handle);
    onStart(slack.start);
    onClose(slack.stop);
  }
  return app;
}

/** The HTTP server: node-level handlers first (they read the raw body themselves), then Hono. */
export function nodeServer(app: Hono, handlers: readonly NodeHandler[]): Server {
  const hono = getRequestListener(app.fetch);
  return createServer((req, res) => {
    for (const h of handlers) if (h(req, res)) return;
    void hono(req, res);
  });
}

/**
 * Embeddings (for assets stored before they existed) and OCR (too slow to run inline while
 * ingesting) are computed in the background, so search covers the whole library without a manual
 * `curator enrich`.
 */
async function enrichMissing(deps: Deps): Promise<void> {
  try {
    const space = await deps.clip.get();
    const [assets, vectors, unread, clipVectors] = await Promise.all([
      deps.assets.count(),
      deps.embeddings.count(BUILTIN_PROVIDER),
      deps.assets.missingOcr(OCR_MODEL),
      space ? deps.embeddings.count(CLIP_PROVIDER) : Promise.resolve(Number.POSITIVE_INFINITY),
    ]);
    if (vectors >= assets && unread === 0 && clipVectors >= assets) return;
    deps.log.info(
      { assets, vectors, withoutOcr: unread },
      'computing missing embeddings and OCR in the background',
    );
    const report = await enrich(deps, { concurrency: 1 });
    deps.log.info(
      { computed: report.computed, failed: report.failed.length },
      'embeddings and OCR are current',
    );
  } catch (err) {
    deps.log.warn({ err }, 'background enrichment stopped; `curator enrich` resumes it');
  }
}

/** Seeds the demo library when the store is empty, so a fresh `npm start` has something to show. */
async function seedIfEmpty(deps: Deps): Promise<void> {
  if (deps.config.demoSeed === 'off' || (await deps.assets.count()) > 0) return;
  deps.log.info('empty library: seeding the demo library (DEMO_SEED=off to skip)');
  const { buildDemoLibrary } = await import('../demo/build.ts');
  const started = Date.now();
  const report = await buildDemoLibrary(deps, {
    onProgress: (step, done, total) => {
      if (done === total || done % 50 === 0) deps.log.info({ step, done, total }, 'demo seeding');
    },
  });
  deps.log.info({ report, seconds: (Date.now() - started) / 1000 }, 'demo library ready');
}

/**
 * A server others can reach must know who is asking: off loopback, a sign-in (WEB_AUTH_TOKEN or
 * WEB_USERS) is required, or anyone on the network would be the single local user. Listening on
 * loopback behind a proxy counts as reachable too: PUBLIC_URL or an allowed host that is not
 * loopback says that requests come from elsewhere.
 */
export function assertSafeListener(config: Config): void {
  if (config.web.authToken || config.web.users.length) return;
  const reach: string[] = [];
  if (!isLoopback(config.http.host)) reach.push(`HOST=${config.http.host}`);
  if (config.http.publicUrl && !isLoopback(new URL(config.http.publicUrl).hostname)) {
    reach.push(`PUBLIC_URL=${config.http.publicUrl}`);
  }
  const hosts = config.mcp.allowedHosts.filter((h) => !isLoopback(h.replace(/:\d+$/, '')));
  if (hosts.length) reach.push(`MCP_ALLOWED_HOSTS=${hosts.join(',')}`);
  if (!reach.length) return;
  throw new AppError(
    'config',
    `${reach.join(' and ')} lets other machines reach this server, so a sign-in must be set: WEB_AUTH_TOKEN (a shared token, 16+ characters) or WEB_USERS (name:token pairs). Without one, listen on 127.0.0.1 only.`,
  );
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(h)) return false;
  const a = ipaddr.process(h);
  return a.range() === 'loopback';
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean' } } });
  if (values.help) {
    process.stderr.write(
      'usage: curator serve\n  HOST, PORT, DATA_DIR, SURREAL_URL, MCP_TOKEN… come from the environment (see README).\n',
    );
    return 0;
  }
  const config = loadConfig();
  assertSafeListener(config);
  // The page at / needs its bundle: built now when the sources are newer (a few seconds).
  const uiLog = createLogger(config.logLevel);
  await ensureUi(uiLog);
  const deps = await createDeps(config);
  const closers: (() => Promise<void>)[] = [];
  const starters: (() => Promise<void>)[] = [];
  const handlers: NodeHandler[] = [];
  const app = serverApp(
    deps,
    (fn) => closers.push(fn),
    (fn) => starters.push(fn),
    (h) => handlers.push(h),
  );
  const server = nodeServer(app, handlers);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(config.http.port, config.http.host);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  deps.log.info(
    { url: `http://${config.http.host}:${port}`, dataDir: config.dataDir, db: config.surreal.url },
    'curator serving',
  );

  // Surfaces that reach out (Slack) start after the server listens; none of them may stop it.
  for (const start of starters) {
    await start().catch((err) => deps.log.error({ err }, 'a surface did not start'));
  }

  const seeding = seedIfEmpty(deps)
    .catch((err) => deps.log.error({ err }, 'demo seeding failed'))
    .then(() => (config.enrichOnStart ? enrichMissing(deps) : undefined));
  // Warm the listing index, then finish any approved bulk action a previous run left half-done.
  void deps.assets
    .count()
    .then(() => deps.approvalGate.resumeInterrupted())
    .then((resumed) => {
      if (resumed.length) deps.log.info({ resumed }, 'resumed interrupted actions');
    })
    .catch((err) => deps.log.error({ err }, 'could not resume interrupted actions'));
  // Ripples a previous run left running resume where they stopped (their plan and progress are stored).
  void deps.ripples
    .resume()
    .then((done) => {
      if (done.length) deps.log.info({ ripples: done.map((r) => r.id) }, 'resumed ripples');
    })
    .catch((err) => deps.log.error({ err }, 'could not resume ripples'));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      deps.log.info({ signal }, 'shutting down: finishing in-flight requests');
      // Stop accepting, let in-flight requests finish (bounded), then close the store.
      const closed = new Promise<void>((r) => server.close(() => r()));
      await Promise.allSettled(closers.map((fn) => fn()));
      const grace = new Promise<void>((r) => setTimeout(r, 10_000).unref());
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await Promise.race([closed, grace]);
      await Promise.race([seeding, new Promise((r) => setTimeout(r, 2_000).unref())]);
      await deps.close().catch(() => {});
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}
