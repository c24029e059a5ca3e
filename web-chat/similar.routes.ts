// POST /api/similar: "more like this picture" over HTTP, with the image uploaded as multipart form
// data (field `image`), or sent as the raw body with its image/* type. Form fields give the limit
// and the list filters; an asset id may stand instead of the image. The find-similar tool does the
// rest, so the answer is the same as over MCP or in chat.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { SELECTION_KEYS } from '../assets/selection.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { findSimilar } from '../tools/find-similar.ts';
import { readForm } from './form-body.ts';

/** The upload limit: the largest image find-similar takes (its base64 argument is ~14 MB). */
export const SIMILAR_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The form fields: the image (or an asset id), the page size, and the list filters. */
const FIELDS: string[] = ['image', 'assetId', 'limit', ...SELECTION_KEYS];
const NUMBERS = new Set(['limit', 'maxDeltaE', 'minCoverage']);

export function mountSimilar(app: Hono, deps: Deps): void {
  const limit = bodyLimit({
    // Room for the multipart framing and the text fields around the image.
    maxSize: SIMILAR_UPLOAD_BYTES + 64 * 1024,
    onError: () => {
      throw new AppError('too_large', `upload over ${SIMILAR_UPLOAD_BYTES} bytes`);
    },
  });
  app.post('/api/similar', limit, async (c) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const input: Record<string, unknown> = {};
    const form = await readForm(c);
    if (form) {
      const unknown = Object.keys(form).filter((k) => !FIELDS.includes(k));
      if (unknown.length) {
        throw new AppError(
          'invalid_input',
          `unknown field ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; accepted: ${FIELDS.join(', ')}`,
        );
      }
      for (const [k, v] of Object.entries(form)) {
        if (Array.isArray(v)) throw new AppError('invalid_input', `give ${k} once`);
        if (k === 'image') {
          if (typeof v === 'string') {
            throw new AppError('invalid_input', 'image must be a file part, not text');
          }
          input.image = await imageArg(v);
        } else if (typeof v !== 'string') {
          throw new AppError('invalid_input', `${k} must be text, not a file`);
        } else {
          input[k] = NUMBERS.has(k) ? Number(v) : v;
        }
      }
    } else if (type.startsWith('image/')) {
      const body = new Uint8Array(await c.req.arrayBuffer());
      input.image = { data: Buffer.from(body).toString('base64'), mimeType: type.split(';')[0] };
      for (const [k, v] of Object.entries(c.req.query())) {
        if (!FIELDS.includes(k) || k === 'image') {
          throw new AppError('invalid_input', `unknown query parameter ${JSON.stringify(k)}`);
        }
        input[k] = NUMBERS.has(k) ? Number(v) : v;
      }
    } else {
      throw new AppError(
        'unsupported_media_type',
        'send multipart/form-data with an `image` file (or an `assetId` field), or the image itself with its image/* Content-Type',
      );
    }
    if (!input.image && !input.assetId) {
      throw new AppError('invalid_input', 'give an `image` file or an `assetId`');
    }
    const out = await invokeTool(findSimilar, input, deps, {
      actor: { id: 'http', surface: 'http' },
    });
    return c.json(out);
  });
}

async function imageArg(f: File): Promise<{ data: string; mimeType: string }> {
  if (f.size > SIMILAR_UPLOAD_BYTES) {
    throw new AppError('too_large', `image over ${SIMILAR_UPLOAD_BYTES} bytes`);
  }
  const mimeType = (f.type || 'application/octet-stream').split(';')[0]!;
  if (!mimeType.startsWith('image/')) {
    throw new AppError(
      'unsupported_media_type',
      `the image part is ${mimeType}; send an image (JPEG, PNG, WebP…)`,
    );
  }
  return { data: Buffer.from(await f.arrayBuffer()).toString('base64'), mimeType };
}
