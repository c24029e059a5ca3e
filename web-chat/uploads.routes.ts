// Images dropped into the chat: POST /api/uploads takes one (multipart field `file`, or the raw body
// with its image type), checks it is a raster image Curator reads and within the limits, and keeps
// it for the person who sent it. GET /api/uploads/:id shows it back to them, as data.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseUploadId } from '../store/uploads.repository.ts';
import { readHeader } from '../vision/decode.ts';
import { sniff } from '../vision/sniff.ts';
import type { UploadInfo } from './chat-types.ts';
import { readForm } from './form-body.ts';
import { webUser } from './session.ts';
import { SIMILAR_UPLOAD_BYTES } from './similar.routes.ts';

/** The formats an upload may be: rasters only (an SVG is a document a browser would run). */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff']);
export const UPLOAD_BYTES = SIMILAR_UPLOAD_BYTES;

export function mountUploads(app: Hono, deps: Deps): void {
  const limit = bodyLimit({
    maxSize: UPLOAD_BYTES + 64 * 1024,
    onError: () => {
      throw new AppError('too_large', `the image is over ${UPLOAD_BYTES / 2 ** 20} MB`);
    },
  });

  app.post('/api/uploads', limit, async (c) => {
    const user = webUser(c);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let data: Buffer;
    let name = 'upload';
    const form = await readForm(c);
    if (form) {
      const file = form.file;
      if (!file || typeof file === 'string' || Array.isArray(file)) {
        throw new AppError('invalid_input', 'send one image as the form field "file"');
      }
      data = Buffer.from(await file.arrayBuffer());
      name = file.name || name;
    } else if (type.startsWith('image/')) {
      data = Buffer.from(await c.req.arrayBuffer());
    } else {
      throw new AppError(
        'unsupported_media_type',
        'send the image as multipart/form-data (field "file") or as the body with its image/* type',
      );
    }
    if (data.length === 0) throw new AppError('invalid_input', 'the image is empty');
    if (data.length > UPLOAD_BYTES) {
      throw new AppError('too_large', `the image is over ${UPLOAD_BYTES / 2 ** 20} MB`);
    }
    const kind = sniff(data);
    if (kind.kind !== 'image' || !ACCEPTED.has(kind.format)) {
      throw new AppError(
        'unsupported_media_type',
        `${kind.kind === 'other' ? 'not an image' : `${kind.mime} is not accepted`}: upload a JPEG, PNG, WebP, AVIF, GIF or TIFF`,
      );
    }
    const header = await readHeader(data, kind.format, deps.config.limits.maxPixels);
    const blob = await deps.blobs.put(data);
    const up = await deps.uploads.create({
      owner: user,
      blobKey: blob.key,
      mime: kind.mime,
      bytes: data.length,
      name: name.replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 200),
      width: header.displayWidth,
      height: header.displayHeight,
    });
    const out: UploadInfo = {
      id: up.id,
      url: `/api/uploads/${up.id}`,
      mediaType: up.mime,
      name: up.name,
      bytes: up.bytes,
      width: up.width,
      height: up.height,
    };
    return c.json(out, 201);
  });

  app.get('/api/uploads/:id', async (c) => {
    const user = webUser(c);
    const up = await deps.uploads.get(parseUploadId(c.req.param('id')));
    if (up.owner !== user) throw new AppError('not_found', `no upload ${up.id}`);
    const data = await deps.blobs.get(up.blobKey);
    return c.body(new Uint8Array(data), 200, {
      'content-type': up.mime,
      'content-length': String(data.length),
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
    });
  });
}
