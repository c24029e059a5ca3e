import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { rippleFamily } from '../test/ripple-family.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { traceLineage } from '../tools/trace-lineage.ts';
import { createApp } from '../web-chat/app.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('the lineage picture', () => {
  it('draws the family with thumbnails and labelled edges at a stable URL, as SVG and PNG', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    const out = await invokeTool(traceLineage, { assetId: f.story, as: 'picture' }, deps, {
      actor: { id: 't', surface: 'test' },
    });
    const view = traceLineage.view!(
      out,
      traceLineage.input.parse({ assetId: f.story, as: 'picture' }),
    );
    expect(view).toMatchObject({ kind: 'picture', url: out.picture.pngUrl });
    expect(out.picture.url).toMatch(new RegExp(`/charts/lineage\\.svg\\?asset=${f.story}&`));
    const app = createApp(deps);
    const path = new URL(out.picture.url).pathname + new URL(out.picture.url).search;
    const svg = await app.request(path);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    const text = await svg.text();
    // The story, its master above it and the rendition made from it below, each with a thumbnail.
    for (const id of [f.story, f.master, f.grand]) expect(text).toContain(id);
    expect(text.match(/data:image\/jpeg;base64,/g)?.length).toBe(3);
    expect(text).toContain('derived · instagram-story');
    expect(text).toContain('derived · display-skyscraper');
    const png = await app.request(path.replace('lineage.svg', 'lineage.png'));
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(400);
    // A master's picture names the localized cut's edge by its locale.
    const master = await app.request(`/charts/lineage.svg?asset=${f.master}&direction=descendants`);
    expect(await master.text()).toContain('localized · de-DE');
    const bad = await app.request('/charts/lineage.svg?asset=nosuch00000000&depth=99');
    expect(bad.status).toBe(400);
  }, 60_000);
});
