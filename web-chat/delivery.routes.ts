// On-the-fly delivery: GET /r/<assetId>/<spec>.<format> renders an approved asset in a channel spec
// on first request, records it like a queued rendition, and serves it by recipe hash after. Only
// the catalog's specs: a size in the query (?w=, ?width=…) is refused, so random dimensions can
// neither bust the cache nor burn the CPU. Drafts and assets in review are never delivered.
import type { Hono } from 'hono';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { recipeHash } from '../renditions/render.ts';
import { OutputFormat } from '../renditions/specs.ts';
import { parseKey } from '../store/ids.ts';

const FILE = /^([a-z0-9][a-z0-9-]{1,62})\.(jpe?g|png|webp)$/;
const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

export function mountDelivery(app: Hono, deps: Deps) {
  app.get('/r/:assetId/:file', async (c) => {
    const query = Object.keys(c.req.query());
    if (query.length) {
      throw new AppError(
        'invalid_input',
        `delivery serves channel specs only, not ${query.map((q) => JSON.stringify(q.slice(0, 20))).join(', ')}: ask for /r/<asset>/<spec>.<format> with a spec from list-channel-specs (add your own sizes in RENDITION_SPECS_FILE)`,
      );
    }
    const m = FILE.exec(c.req.param('file'));
    if (!m) {
      throw new AppError(
        'invalid_input',
        'ask for <spec>.<format>, e.g. instagram-story.jpg: a spec id from list-channel-specs and jpg, png or webp',
      );
    }
    const format = OutputFormat.parse(m[2] === 'jpg' ? 'jpeg' : m[2]);
    const spec = deps.specs.get(m[1]!);
    const id = parseKey('asset', c.req.param('assetId'));
    // The ETag is the recipe's hash: a browser that has this rendition gets a 304 before any work.
    const source = await deps.assets.get(id);
    if (source.status === 'approved' && spec.formats.includes(format)) {
      const etag = `"${recipeHash(deps.renditions.recipe(source, spec, { format }))}"`;
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    }
    const out = await deps.renditions.deliver(id, spec.id, format);
    return c.body(new Uint8Array(out.data), 200, {
      'content-type': MIME[out.format],
      'content-length': String(out.data.length),
      etag: `"${out.hash}"`,
      // The URL names a spec, not bytes: a new version of the source makes a new rendition.
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'content-disposition': `inline; filename="${id}-${spec.id}.${m[2]}"`,
    });
  });
}
