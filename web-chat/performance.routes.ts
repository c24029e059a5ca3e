// POST /api/performance: an ad platform's export (CSV or TSV, as the raw body or a multipart
// `file` part), loaded as daily results per placement, behind Authorization: Bearer
// <PERFORMANCE_TOKEN>. The query names the preset and the options the CLI takes (rate, column,
// accountCurrency, timezone). The answer is the import report: bad rows with their line numbers,
// unmatched rows with the reason, what loaded.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bearerMatches } from '../core/auth.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { importPerformanceCsv, parseColumns, parseRates } from '../insights/import/csv.ts';

export const PERFORMANCE_UPLOAD_BYTES = 100 * 1024 * 1024;
const QUERY = new Set(['preset', 'rate', 'column', 'accountCurrency', 'timezone']);

export function mountPerformance(app: Hono, deps: Deps): void {
  const token = deps.config.performance.token;
  const limit = bodyLimit({
    maxSize: PERFORMANCE_UPLOAD_BYTES,
    onError: () => {
      throw new AppError(
        'too_large',
        `upload over ${PERFORMANCE_UPLOAD_BYTES} bytes: split the export`,
      );
    },
  });
  app.post('/api/performance', async (c, next) => {
    if (!token)
      throw new AppError(
        'unavailable',
        'imports over HTTP are off: set PERFORMANCE_TOKEN to turn them on',
      );
    if (!bearerMatches(c.req.header('authorization'), token))
      throw new AppError('unauthorized', 'imports need Authorization: Bearer <PERFORMANCE_TOKEN>');
    await next();
  });
  app.post('/api/performance', limit, async (c) => {
    const unknown = Object.keys(c.req.queries()).filter((k) => !QUERY.has(k));
    if (unknown.length)
      throw new AppError(
        'invalid_input',
        `unknown parameter ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; accepted: ${[...QUERY].join(', ')}`,
      );
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let data: Buffer;
    if (type.startsWith('multipart/form-data')) {
      let form: Record<string, string | File>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw new AppError('invalid_input', 'the multipart body could not be read');
      }
      const file = form.file;
      if (!file || typeof file === 'string')
        throw new AppError('invalid_input', 'send the export as a file part named "file"');
      data = Buffer.from(await file.arrayBuffer());
    } else if (
      /^(?:text\/(?:csv|plain|tab-separated-values)|application\/(?:csv|octet-stream))/.test(type)
    ) {
      data = Buffer.from(await c.req.arrayBuffer());
    } else {
      throw new AppError(
        'unsupported_media_type',
        'send the export as text/csv (or multipart with a "file" part)',
      );
    }
    if (!data.length) throw new AppError('invalid_input', 'the export is empty');
    const report = await importPerformanceCsv(deps, data, {
      preset: c.req.query('preset'),
      rates: parseRates(c.req.queries('rate') ?? []),
      columns: parseColumns(c.req.queries('column') ?? []),
      accountCurrency: c.req.query('accountCurrency'),
      timezone: c.req.query('timezone'),
      currency: deps.config.performance.currency,
    });
    return c.json(report);
  });
}
