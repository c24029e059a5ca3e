// New versions and their ripples over HTTP:
//   PUT  /api/assets/:id/file      the body (multipart field `file`, or the raw image with its type)
//                                  becomes the asset's next version; `If-Match: "<version>"`
//                                  refuses it when someone changed the asset meanwhile
//   GET  /api/assets/:id/versions  the history, newest first
//   GET  /api/ripples/:id          where a ripple stands
//   POST /api/ripples/:id/start    the signed-in person approves a waiting ripple and starts it
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { rippleSummary } from '../graph/ripple.ts';
import { replaceAssetFile } from '../graph/versions.ts';
import { parseKey } from '../store/ids.ts';
import { readForm } from './form-body.ts';
import { webUser } from './session.ts';

export function mountVersions(app: Hono, deps: Deps): void {
  const max = deps.config.limits.maxFileBytes;
  const limit = bodyLimit({
    maxSize: max + 64 * 1024,
    onError: () => {
      throw new AppError('too_large', `the file is over ${Math.round(max / 2 ** 20)} MB`);
    },
  });

  app.put('/api/assets/:id/file', limit, async (c) => {
    const user = webUser(c);
    const id = parseKey('asset', c.req.param('id'));
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let data: Buffer;
    let name: string | undefined;
    let note: string | undefined;
    const form = await readForm(c);
    if (form) {
      const file = form.file;
      if (!file || typeof file === 'string' || Array.isArray(file)) {
        throw new AppError('invalid_input', 'send one file as the form field "file"');
      }
      data = Buffer.from(await file.arrayBuffer());
      name = file.name || undefined;
      if (typeof form.note === 'string') note = form.note.slice(0, 300);
    } else if (type.startsWith('image/')) {
      data = Buffer.from(await c.req.arrayBuffer());
    } else {
      throw new AppError(
        'unsupported_media_type',
        'send the file as multipart/form-data (field "file") or as the body with its image/* type',
      );
    }
    const match = c.req.header('if-match');
    let expectVersion: number | undefined;
    if (match) {
      const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(match.trim());
      if (!m) throw new AppError('invalid_input', 'If-Match takes the version, e.g. "3"');
      expectVersion = Number(m[1]);
    }
    const v = await replaceAssetFile(deps, id, data, {
      name,
      note,
      by: user,
      expectVersion,
      waitMs: 2_000,
    });
    return c.json(
      {
        status: v.status,
        asset: { id: v.asset.id, version: v.asset.version, title: v.asset.title },
        previous: v.previous,
        ripple: v.ripple ? rippleSummary(v.ripple) : null,
        ...(v.ripple?.state === 'awaiting_approval'
          ? { start: `/api/ripples/${v.ripple.id}/start` }
          : {}),
      },
      200,
      { etag: `"${v.asset.version}"` },
    );
  });

  app.get('/api/assets/:id/versions', async (c) => {
    const id = parseKey('asset', c.req.param('id'));
    await deps.assets.get(id);
    return c.json({ asset: id, versions: await deps.assets.versions(id) });
  });

  app.get('/api/ripples/:id', async (c) => {
    const r = await deps.ripples.get(c.req.param('id'));
    const cursor = Number.parseInt(c.req.query('cursor') ?? '0', 10) || 0;
    return c.json(rippleSummary(r, cursor));
  });

  app.post('/api/ripples/:id/start', async (c) => {
    const user = webUser(c);
    const { ripple, done } = await deps.ripples.start(c.req.param('id'), user);
    // Started: the answer does not wait for the files; GET /api/ripples/:id follows them.
    done.catch((err) => deps.log.error({ err, ripple: ripple.id }, 'ripple failed'));
    return c.json(rippleSummary(ripple), 202);
  });
}
