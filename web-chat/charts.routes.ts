// Charts at stable URLs: /charts/trend.svg (or .png) and /charts/effects.svg (or .png), their
// query the chart's whole input, so a URL always draws the same question (asOf pins the window).
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { LineageQuery, lineagePicture } from '../graph/picture.ts';
import { ChartQuery } from '../insights/chart-query.ts';
import { effectsChart, toPng, trendChart } from '../insights/charts.ts';
import { describeZodError } from '../tools/define-tool.ts';

function query<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  // A signed URL's exp and sig are the permission (checked before any route), not chart options.
  const { exp: _exp, sig: _sig, ...rest } = c.req.query();
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw new AppError('invalid_input', describeZodError(parsed.error));
  return parsed.data;
}

async function send(c: Context, svg: string, format: string) {
  // A chart URL names its window's dates, so it may be cached a while; a picture runs nothing.
  const headers = {
    'cache-control': 'public, max-age=300',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'",
  };
  if (format === 'png')
    return c.body(new Uint8Array(await toPng(svg)), 200, {
      ...headers,
      'content-type': 'image/png',
    });
  return c.body(svg, 200, { ...headers, 'content-type': 'image/svg+xml; charset=utf-8' });
}

export function mountCharts(app: Hono, deps: Deps): void {
  // The picture of an asset's lineage (graph/picture.ts): thumbnails on the nodes, labelled edges.
  app.get('/charts/:file{lineage\\.(svg|png)}', async (c) => {
    const format = c.req.param('file').split('.')[1]!;
    const pic = await lineagePicture(deps, query(c, LineageQuery.strict()));
    const headers = {
      // The family changes as renditions are made: a short cache, unlike a dated chart.
      'cache-control': 'private, max-age=30',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    };
    if (format === 'png') {
      return c.body(new Uint8Array(await pic.png()), 200, {
        ...headers,
        'content-type': 'image/png',
      });
    }
    return c.body(pic.svg, 200, { ...headers, 'content-type': 'image/svg+xml; charset=utf-8' });
  });

  app.get('/charts/:file{(trend|effects)\\.(svg|png)}', async (c) => {
    const [kind, format] = c.req.param('file').split('.') as ['trend' | 'effects', string];
    const q = query(c, ChartQuery.strict());
    if (kind === 'trend') {
      if (!q.asset) throw new AppError('invalid_input', 'asset: required for a trend chart');
      const chart = await trendChart(deps, { ...q, assetId: q.asset });
      return send(c, chart.svg, format);
    }
    const chart = await effectsChart(deps, q);
    return send(c, chart.svg, format);
  });
}
