import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { viewText } from '../core/views.ts';
import type { TestEnv } from '../test/helpers.ts';
import { plantedLibrary } from '../test/perf-fixture.ts';
import { createApp } from '../web-chat/app.ts';
import { chartPerformance } from './chart-performance.ts';
import { invokeTool } from './define-tool.ts';
import { explainPerformance } from './explain-performance.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { actor: { id: 't', surface: 'test' as const } };
const local = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe('chart-performance', () => {
  it('draws the effects with error bars as SVG and PNG at a stable URL', async () => {
    env = await plantedLibrary(2);
    const app = createApp(env.deps);
    const out = await invokeTool(chartPerformance, { chart: 'effects' }, env.deps, actor);
    expect(out.url).toMatch(
      /\/charts\/effects\.svg\?asOf=2026-03-28&metric=ctr&period=from\+2026-03-01\+to\+2026-03-28$/,
    );
    expect(out.alt).toMatch(/warm palette ×1\.\d+ \(1\.\d+–1\.\d+\)/);
    const svg = await app.request(local(out.url));
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const text = await svg.text();
    expect(text).toMatch(/^<svg/);
    expect(text).toContain('warm palette');
    const png = await app.request(local(out.pngUrl));
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect(meta.width).toBeGreaterThan(600);
    expect(viewText(chartPerformance.view!(out, {} as never))).toMatch(/What drives CTR/);
    // explain-performance links the same picture.
    const explained = await invokeTool(explainPerformance, {}, env.deps, actor);
    expect(explained.chartUrl).toBe(out.url);
  }, 60_000);

  it("draws an asset's CTR over time with its band, and refuses bad chart requests clearly", async () => {
    env = await plantedLibrary(2);
    const app = createApp(env.deps);
    const [placement] = await env.deps.catalog.placements();
    const out = await invokeTool(
      chartPerformance,
      { chart: 'trend', assetId: placement!.asset, period: 'past 14 days' },
      env.deps,
      actor,
    );
    expect(out.window).toMatchObject({ from: '2026-03-15', to: '2026-03-28' });
    expect(out.alt).toMatch(/daily CTR from [\d.]+% to [\d.]+% over 14 days, with 90% bands/);
    const res = await app.request(local(out.url));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('CTR %');

    await expect(invokeTool(chartPerformance, { chart: 'trend' }, env.deps, actor)).rejects.toThrow(
      /a trend chart is of one asset: give assetId/,
    );
    const bad = async (q: string, status: number, message: RegExp) => {
      const r = await app.request(`/charts/${q}`);
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(message);
    };
    await bad('trend.svg?metric=ctr', 400, /asset: required/);
    await bad('trend.svg?asset=x1&metric=likes', 400, /metric/);
    await bad('effects.svg?colour=red', 400, /colour/);
    await bad('trend.svg?asset=nosuchasset22', 404, /has no placements/);
  }, 60_000);
});
