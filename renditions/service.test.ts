import type { ChildProcess } from 'node:child_process';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { countRenditions, makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { testRedis } from '../test/redis.ts';
import { bigJpeg, saw, startWorker } from '../test/workers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { renditionStatus } from '../tools/rendition-status.ts';
import { requestRenditions } from '../tools/request-renditions.ts';
import { recipeHash } from './render.ts';

const actor = { actor: { id: 'test', surface: 'test' as const } };
let redis: { url: string; stop(): Promise<void> };
let env: TestEnv | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(() => redis.stop());
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await env?.cleanup();
  env = undefined;
});

/** A master with a face on the right and a headline under it, as enrichment would record them. */
async function enrichedMaster(e: TestEnv, status: 'approved' | 'draft' = 'approved') {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="1200">
    <rect width="100%" height="100%" fill="#335577"/>
    <circle cx="2000" cy="450" r="180" fill="#e8b08c"/>
    <rect x="1700" y="800" width="550" height="140" fill="#ffffff"/></svg>`;
  const data = await sharp(Buffer.from(svg)).jpeg().toBuffer();
  const { asset } = await ingestBuffer(e.deps, data, {
    name: 'spring-hero.jpg',
    campaign: undefined,
    overrides: { kind: 'master', status, title: 'Spring hero' },
  });
  await e.deps.assets.setPeople(asset.id, {
    model: 'test',
    assetVersion: 1,
    faces: [{ box: { x: 1820, y: 270, width: 360, height: 360 }, score: 0.9 }],
    people: 1,
  });
  await e.deps.assets.setOcr(asset.id, {
    model: 'test',
    assetVersion: 1,
    text: 'SPRING SALE',
    lines: [
      {
        text: 'SPRING SALE',
        confidence: 0.95,
        box: { x: 1700, y: 800, width: 550, height: 140 },
        heightPx: 140,
        fontPx: 110,
        contrast: 12,
      },
    ],
  });
  return e.deps.assets.get(asset.id);
}

const renditionCount = countRenditions;

describe('renditions as a service', () => {
  it('makes each asset in each spec once, records it with its recipe, and reuses it when asked again', async () => {
    env = await makeTestDeps();
    const master = await enrichedMaster(env);
    const input = {
      assetIds: [master.id],
      specs: ['instagram story', 'web homepage', 'display-mrec'],
    };
    const first = await invokeTool(requestRenditions, input, env.deps, actor);
    expect(first.done).toBe(3);
    expect(first.items.map((i) => i.spec).sort()).toEqual([
      'display-mrec',
      'instagram-story',
      'web-hero',
    ]);
    const story = first.items.find((i) => i.spec === 'instagram-story')!;
    expect([story.width, story.height]).toEqual([1080, 1920]);
    // The enrichment's face and headline decided the crop, and the reason says so.
    expect(story.explanation).toMatch(/^kept the face and the headline; cut \d+% on the left/);
    const made = await env.deps.assets.get(story.assetId!);
    expect(made).toMatchObject({
      kind: 'rendition',
      channel: 'instagram-story',
      status: 'approved',
      width: 1080,
      height: 1920,
    });
    const edges = await env.deps.graph.byRecipeHash([story.hash]);
    const edge = edges.get(story.hash)!;
    expect(edge.parent).toBe(master.id);
    expect(edge.child).toBe(story.assetId);
    expect(recipeHash(edge.data.recipe as never)).toBe(story.hash);
    expect(await renditionCount(env)).toBe(3);

    const again = await invokeTool(requestRenditions, input, env.deps, actor);
    expect(again.items.every((i) => i.reused && i.state === 'done')).toBe(true);
    expect(again.items.map((i) => i.assetId).sort()).toEqual(
      first.items.map((i) => i.assetId).sort(),
    );
    expect(await renditionCount(env)).toBe(3);

    const status = await invokeTool(renditionStatus, { assetId: master.id }, env.deps, actor);
    expect(status.done).toBe(3);
    const view = renditionStatus.view!(status, { assetId: master.id });
    expect(JSON.stringify(view)).toContain('kept the face and the headline');
  });

  it('asks a person first above the configured count, and says exactly what it will make', async () => {
    env = await makeTestDeps({ RENDITIONS_APPROVAL_ABOVE: '4' });
    const master = await enrichedMaster(env);
    const input = { assetIds: [master.id], specs: ['programmatic', 'web-hero'] };
    await expect(invokeTool(requestRenditions, input, env.deps, actor)).rejects.toMatchObject({
      code: 'approval_required',
    });
    const summary = await requestRenditions.summarize!(
      requestRenditions.input.parse(input),
      env.deps,
    );
    expect(summary.text).toMatch(
      /^Make 5 renditions: 1 asset × 5 specs \(display-mrec, display-leaderboard, display-skyscraper, display-mobile-banner, web-hero\)/,
    );
    expect(await renditionCount(env)).toBe(0);
  });

  it('covers every file of a big request and lists the first 30 within the result budget', async () => {
    env = await makeTestDeps({ RENDITIONS_APPROVAL_ABOVE: '100' });
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) {
      const data = await makeImage({ seed, width: 640, height: 400 });
      ids.push((await ingestBuffer(env.deps, data, { name: `s${seed}.jpg` })).asset.id);
    }
    const out = await invokeTool(
      requestRenditions,
      { assetIds: ids, specs: env.deps.specs.all().map((s) => s.id) },
      env.deps,
      actor,
    );
    expect(out.total).toBe(39);
    expect(out.done).toBe(39);
    expect(out.items).toHaveLength(30);
    expect(await renditionCount(env)).toBe(39);
    const view = requestRenditions.view!(
      out,
      requestRenditions.input.parse({ assetIds: ids, specs: ['x'] }),
    );
    expect(JSON.stringify(view)).toContain('30 of 39 shown');
  }, 60_000);

  it('refuses unknown channels by name, listing the known ones, and reports a bad source per item', async () => {
    env = await makeTestDeps();
    const master = await enrichedMaster(env);
    await expect(
      invokeTool(
        requestRenditions,
        { assetIds: [master.id], specs: ['myspace banner'] },
        env.deps,
        actor,
      ),
    ).rejects.toThrow(/no channel spec for "myspace banner"; known: instagram-feed/);
    const out = await invokeTool(
      requestRenditions,
      { assetIds: [master.id, 'nosuchasset0000'], specs: ['email-header'] },
      env.deps,
      actor,
    );
    expect(out.done).toBe(1);
    expect(out.failed).toBe(1);
    expect(out.items.find((i) => i.state === 'failed')?.error).toMatch(/nosuchasset0000/);
  });

  it('hands a job whose worker was killed with SIGKILL to another worker, and records one output', async () => {
    const prefix = `k${Math.random().toString(36).slice(2)}`;
    env = await makeTestDeps({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    const e = env;
    // Big enough that blur-fill takes a while: the first worker is killed in the middle of it.
    const big = await bigJpeg(7000, 4600);
    const { asset } = await ingestBuffer(e.deps, big, {
      name: 'big.jpg',
      overrides: { kind: 'master' },
    });
    const worker = () => startWorker({ redisUrl: redis.url, prefix, dataDir: e.dir }, children);
    const a = worker();
    await saw(a.log, 'rendition worker ready');
    const asked = e.deps.renditions.request([asset.id], [e.deps.specs.get('web-hero-2k')], {
      fit: 'blur-fill',
      waitMs: 120_000,
    });
    await saw(a.log, 'rendition started');
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    expect(a.log.text).not.toContain('rendition made');
    const b = worker();
    const [item] = await asked;
    expect(item).toMatchObject({ state: 'done', width: 2560, height: 1440 });
    expect(b.log.text).toContain('rendition made');
    expect(await renditionCount(e)).toBe(1);
    const edges = await e.deps.db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM derived_from WHERE recipe_hash = $h GROUP ALL',
      { h: item!.hash },
    );
    expect(edges[0][0]?.n).toBe(1);
  }, 120_000);
});
