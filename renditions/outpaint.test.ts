import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { testRedis } from '../test/redis.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { requestRenditions } from '../tools/request-renditions.ts';
import { outpaintProvider } from './outpaint.ts';
import { startRenditionWorker } from './queue.ts';
import { render } from './render.ts';
import { loadSpecs } from './specs.ts';

const OPENAI = 'http://openai.test/v1';
const SD = 'http://sd.test:7860';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const TEAL = { r: 20, g: 140, b: 150 };
const MAGENTA = { r: 230, g: 20, b: 200 };
const limits = { maxPixels: 100e6 };
const actor = { actor: { id: 'test', surface: 'test' as const } };

/** A portrait master, all teal: what the model paints (magenta) is told apart at a glance. */
const portrait = () =>
  sharp({ create: { width: 800, height: 1200, channels: 3, background: TEAL } })
    .jpeg()
    .toBuffer();

const solidPng = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: MAGENTA } })
    .png()
    .toBuffer();

async function pixel(img: Buffer, x: number, y: number) {
  const { data } = await sharp(img)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { r: data[0]!, g: data[1]!, b: data[2]! };
}
const near = (a: { r: number; g: number; b: number }, b: typeof a) =>
  Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b) < 40;

/** An AUTOMATIC1111-style img2img endpoint that checks what it is sent. */
function sdServer(seen: { body?: Record<string, unknown> }, status = 200) {
  return http.post(`${SD}/sdapi/v1/img2img`, async ({ request }) => {
    const body = (await request.json()) as Record<string, unknown>;
    seen.body = body;
    if (status !== 200) return HttpResponse.json({ error: 'CUDA out of memory' }, { status });
    const w = body.width as number;
    const h = body.height as number;
    return HttpResponse.json({
      images: [(await solidPng(w, h)).toString('base64')],
      parameters: {},
      info: '{}',
    });
  });
}

describe('generative extend (outpaint)', () => {
  it('OpenAI image editing on the real wire format: a transparent canvas as image and mask', async () => {
    let form: FormData | undefined;
    server.use(
      http.post(`${OPENAI}/images/edits`, async ({ request }) => {
        form = await request.formData();
        const [w, h] = String(form.get('size')).split('x').map(Number);
        return HttpResponse.json({
          created: 1_760_000_000,
          data: [{ b64_json: (await solidPng(w!, h!)).toString('base64') }],
        });
      }),
    );
    const provider = outpaintProvider({
      provider: 'openai',
      apiKey: 'sk-test',
      baseUrl: OPENAI,
      prompt: 'extend',
      timeoutMs: 10_000,
    })!;
    const spec = (await loadSpecs()).get('facebook-link');
    const out = await render(
      await portrait(),
      spec,
      {
        fit: 'outpaint',
        generator: { provider: 'openai', model: 'gpt-image-1', prompt: 'a meadow at dawn' },
      },
      limits,
      { outpaint: provider },
    );
    expect(form?.get('model')).toBe('gpt-image-1');
    expect(form?.get('prompt')).toBe('a meadow at dawn');
    expect(form?.get('size')).toBe('1536x1024');
    const image = form?.get('image') as File;
    const mask = form?.get('mask') as File;
    expect(image.type).toBe('image/png');
    const canvas = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([canvas.width, canvas.height, canvas.hasAlpha]).toEqual([1536, 1024, true]);
    expect(mask.size).toBeGreaterThan(0);
    // The picture in the middle is the master's own pixels; the margins are what the model painted.
    expect([out.width, out.height]).toEqual([1200, 628]);
    expect(near(await pixel(out.data, 600, 314), TEAL)).toBe(true);
    expect(near(await pixel(out.data, 20, 314), MAGENTA)).toBe(true);
    expect(near(await pixel(out.data, 1180, 314), MAGENTA)).toBe(true);
    expect(out.explanation).toMatch(/painted by openai gpt-image-1 \(generative: a draft/);
  });

  it('a self-hosted server (AUTOMATIC1111 img2img API): init image, a white-is-fill mask, the prompt', async () => {
    const seen: { body?: Record<string, unknown> } = {};
    server.use(sdServer(seen));
    const provider = outpaintProvider({
      provider: 'sd-webui',
      url: SD,
      prompt: 'extend',
      timeoutMs: 10_000,
    })!;
    const spec = (await loadSpecs()).get('display-leaderboard');
    const out = await render(
      await portrait(),
      spec,
      { fit: 'outpaint', generator: { provider: 'sd-webui', model: 'default', prompt: 'sky' } },
      limits,
      { outpaint: provider },
    );
    const body = seen.body!;
    expect(body.prompt).toBe('sky');
    expect((body.width as number) % 64).toBe(0);
    const init = Buffer.from((body.init_images as string[])[0]!, 'base64');
    const mask = Buffer.from(body.mask as string, 'base64');
    expect((await sharp(init).metadata()).width).toBe(body.width);
    // White where the model paints (a margin), black over the picture (the middle).
    expect((await pixel(mask, 2, 2)).r).toBeGreaterThan(200);
    const mm = await sharp(mask).metadata();
    expect(
      (await pixel(mask, Math.floor(mm.width! / 2), Math.floor(mm.height! / 2))).r,
    ).toBeLessThan(50);
    expect([out.width, out.height]).toEqual([728, 90]);
    expect(near(await pixel(out.data, 364, 45), TEAL)).toBe(true);
    expect(near(await pixel(out.data, 5, 45), MAGENTA)).toBe(true);
  });

  let env: TestEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });

  it('through the service: recorded as a generative draft, never approved by itself', async () => {
    server.use(sdServer({}));
    env = await makeTestDeps({ OUTPAINT_PROVIDER: 'sd-webui', OUTPAINT_URL: SD });
    const { asset } = await ingestBuffer(env.deps, await portrait(), {
      name: 'tall.jpg',
      overrides: { status: 'approved' },
    });
    const out = await invokeTool(
      requestRenditions,
      { assetIds: [asset.id], specs: ['facebook-link'], fit: 'outpaint' },
      env.deps,
      actor,
    );
    expect(out.done).toBe(1);
    const made = await env.deps.assets.get(out.items[0]!.assetId!);
    expect(made.status).toBe('draft');
    expect(made.keywords).toContain('generative');
    const edge = (await env.deps.graph.byRecipeHash([out.items[0]!.hash])).get(out.items[0]!.hash)!;
    expect(edge.data.generative).toMatchObject({ provider: 'sd-webui', model: 'default' });
  });

  it('runs on the GPU lane of a real Redis, and a provider that fails is retried, then reported', async () => {
    const seen: { body?: Record<string, unknown> } = {};
    server.use(sdServer(seen, 500));
    const redis = await testRedis();
    const prefix = `g${Math.random().toString(36).slice(2)}`;
    env = await makeTestDeps({
      OUTPAINT_PROVIDER: 'sd-webui',
      OUTPAINT_URL: SD,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
    });
    const worker = startRenditionWorker({
      lane: 'gpu',
      blobs: env.deps.blobs,
      specs: env.deps.specs,
      limits,
      redisUrl: redis.url,
      prefix,
      outpaint: outpaintProvider(env.deps.config.renditions.outpaint),
    });
    let tries = 0;
    worker.on('failed', () => tries++);
    try {
      const { asset } = await ingestBuffer(env.deps, await portrait(), { name: 'tall.jpg' });
      const spec = env.deps.specs.get('x-post');
      // A failing server: three tries with backoff, then a readable reason.
      const [failed] = await env.deps.renditions.request([asset.id], [spec], { fit: 'outpaint' });
      expect(failed!.state).toBe('failed');
      expect(failed!.error).toMatch(/image server answered 500: .*CUDA out of memory/);
      // The worker's own "failed" event may land just after the waiter hears of it.
      for (let i = 0; i < 40 && tries < 3; i++) await new Promise((r) => setTimeout(r, 50));
      expect(tries).toBe(3);
      // The server recovers: the same request is made and recorded, as a draft.
      server.resetHandlers(sdServer(seen));
      const [made] = await env.deps.renditions.request([asset.id], [spec], {
        fit: 'outpaint',
        prompt: 'open sky',
      });
      expect(made).toMatchObject({ state: 'done', width: 1600, height: 900 });
      expect(seen.body?.prompt).toBe('open sky');
    } finally {
      await worker.close();
      await redis.stop();
    }
  }, 60_000);

  it('says what to set when no image model is configured, before anything is queued', async () => {
    env = await makeTestDeps();
    const { asset } = await ingestBuffer(env.deps, await portrait(), { name: 'tall.jpg' });
    await expect(
      invokeTool(
        requestRenditions,
        { assetIds: [asset.id], specs: ['facebook-link'], fit: 'outpaint' },
        env.deps,
        actor,
      ),
    ).rejects.toThrow(/set OUTPAINT_PROVIDER \(openai or sd-webui\).*blur-fill or extend/);
  });
});
