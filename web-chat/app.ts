// The HTTP surface: the web chat (page, chat stream, conversations, uploads), health, the assets
// API, stable file URLs and approvals. The MCP endpoint is a
// surface of its own: `curator serve` mounts it beside this one (cli/serve.ts).
import { Hono } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { type Agent, createAgent } from '../agent/agent.ts';
import { listAssets } from '../assets/list.ts';
import { Selection } from '../assets/selection.ts';
import type { Deps } from '../core/deps.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { parseKey } from '../store/ids.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { getAsset } from '../tools/get-asset.ts';
import { mountApprovals } from './approvals.routes.ts';
import { mountCharts } from './charts.routes.ts';
import { mountChat } from './chat.routes.ts';
import { mountDelivery } from './delivery.routes.ts';
import { hostGuard } from './host-guard.ts';
import { mountPerformance } from './performance.routes.ts';
import { mountProposals } from './proposals.routes.ts';
import { mountSession, webAuth } from './session.ts';
import { mountSimilar } from './similar.routes.ts';
import { mountUi } from './static.routes.ts';
import { mountUploads } from './uploads.routes.ts';
import { mountVersions } from './versions.routes.ts';

const httpActor = { id: 'http', surface: 'http' as const };

/** The query of GET /api/assets: the list filters, numbers from text, nothing else. */
const ListQuery = Selection.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
  maxDeltaE: z.coerce.number().min(0.5).max(50).optional(),
  minCoverage: z.coerce.number().min(0).max(1).optional(),
});
const LIST_PARAMS = Object.keys(ListQuery.shape).join(', ');

export function createApp(deps: Deps, opts: { agent?: Agent } = {}): Hono {
  const app = new Hono();
  const agent = opts.agent ?? createAgent(deps);
  // First, before any route: a request under a foreign Host or Origin reaches nothing.
  app.use('*', hostGuard(deps.config));
  // Then who is asking: everyone is "local" on a single-user server; else a session or the token.
  app.use('*', webAuth(deps));

  app.onError((err, c) => {
    if (isAppError(err)) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status as 400);
    }
    deps.log.error({ err, path: c.req.path }, 'unhandled request error');
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  app.get('/healthz', async (c) => {
    // Healthy means the database answers, not just that the process is up.
    await deps.db.query('RETURN true');
    return c.json({ ok: true });
  });

  app.get('/api/assets', async (c) => {
    const raw = c.req.query();
    const unknown = Object.keys(raw).filter((k) => !(k in ListQuery.shape));
    if (unknown.length) {
      throw new AppError(
        'invalid_input',
        `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; accepted: ${LIST_PARAMS}`,
      );
    }
    const q = ListQuery.safeParse(raw);
    if (!q.success) {
      throw new AppError(
        'invalid_input',
        q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
      );
    }
    // The page asked for, whole: the model's result budget is for tools, not for this API.
    return c.json(await listAssets(deps, q.data));
  });

  app.get('/api/assets/:id', async (c) => {
    const out = await invokeTool(getAsset, { assetId: c.req.param('id') }, deps, {
      actor: httpActor,
    });
    return c.json(out);
  });

  // Stable file URLs per asset; blobs are content-addressed so the ETag is the hash.
  app.get('/files/assets/:id/:file', async (c) => {
    const id = parseKey('asset', c.req.param('id'));
    const file = c.req.param('file');
    if (file !== 'original' && file !== 'thumb.webp' && file !== 'thumb.png')
      throw new AppError('not_found', `no file ${file}`);
    const asset = await deps.assets.get(id);
    const key = file === 'original' ? asset.blobKey : asset.thumbKey;
    if (!key) throw new AppError('not_found', `asset ${id} has no thumbnail yet`);
    const etag = `"${key}${file === 'thumb.png' ? '.png' : ''}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    // Slack shows PNG, JPEG and GIF, not WebP: its thumbnails are the same picture as PNG.
    const data =
      file === 'thumb.png'
        ? await sharp(await deps.blobs.get(key))
            .png()
            .toBuffer()
        : await deps.blobs.get(key);
    const safeName = asset.originalName.replace(/[^\w.\- ]+/g, '_');
    // An SVG original is a document a browser would run; it is saved, never shown at our origin.
    const disposition = asset.mime === 'image/svg+xml' ? 'attachment' : 'inline';
    return c.body(new Uint8Array(data), 200, {
      'content-type':
        file === 'original' ? asset.mime : file === 'thumb.png' ? 'image/png' : 'image/webp',
      'content-length': String(data.length),
      etag,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      // Opened directly, a file gets no scripts, no forms, no requests: it is data, not a page.
      'content-security-policy': "sandbox; default-src 'none'",
      ...(file === 'original'
        ? { 'content-disposition': `${disposition}; filename="${safeName}"` }
        : {}),
    });
  });

  mountUi(app);
  mountSession(app, deps, agent.model);
  mountChat(app, deps, agent);
  mountUploads(app, deps);
  mountVersions(app, deps);
  mountApprovals(app, deps);
  mountSimilar(app, deps);
  mountPerformance(app, deps);
  mountProposals(app, deps);
  mountCharts(app, deps);
  mountDelivery(app, deps);
  return app;
}
