// The browser UI: the page at / and its bundle under /ui/. The page's policy allows only this
// origin's scripts, styles, images and requests, so nothing an asset or a model writes can run.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hono } from 'hono';
import { AppError } from '../core/errors.ts';
import { UI_DIST } from './ui-build.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Curator</title>
<p>The web UI has not been built. Run <code>npm run build:web</code> (or restart <code>curator serve</code>, which builds it), then reload.</p>`;

export function mountUi(app: Hono, dist = UI_DIST): void {
  app.get('/', async (c) => {
    const html = await readFile(path.join(dist, 'index.html'), 'utf8').catch(() => null);
    return c.html(html ?? NOT_BUILT, html ? 200 : 503, {
      'content-security-policy': PAGE_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
  });

  app.get('/ui/*', async (c) => {
    const rel = c.req.path.slice('/ui/'.length);
    // Built file names only: no dots leading anywhere, no way out of dist.
    if (!/^(?:assets\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(rel) || rel.includes('..')) {
      throw new AppError('not_found', `no file ${c.req.path}`);
    }
    const type = TYPES[path.extname(rel)];
    const data = type ? await readFile(path.join(dist, rel)).catch(() => null) : null;
    if (!data || !type) throw new AppError('not_found', `no file ${c.req.path}`);
    return c.body(new Uint8Array(data), 200, {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      // Vite names bundles by their content hash.
      'cache-control': rel.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
  });
}
