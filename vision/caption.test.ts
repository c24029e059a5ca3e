// The vision caption over OpenAI's real Responses API wire format (msw): the picture goes as an
// input_image, the answer comes back as structured output checked with zod, and it is stored,
// searchable and described. It runs only when asked for, and a bad answer fails one asset only.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { enrich } from '../search/enrich.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createOpenAIMock } from '../test/openai-mock.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { describeAsset } from '../tools/describe-asset.ts';
import { searchAssets } from '../tools/search-assets.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const actor = { id: 't', surface: 'test' as const };
const OPENAI = 'https://api.openai.com/v1';

const answer = {
  caption: 'A steel water bottle on an orange backdrop.',
  objects: ['water bottle', 'orange backdrop'],
  setting: 'studio',
  mood: 'fresh',
};

describe('vision caption', () => {
  it('sends the picture, stores the structured caption, and makes it searchable', async () => {
    env = await makeTestDeps({ OPENAI_API_KEY: 'sk-test-key', VISION_CAPTION: 'ask' });
    const { deps } = env;
    const a = await ingestBuffer(deps, await makeImage({ seed: 3, width: 1600, height: 900 }), {
      name: 'bottle.jpg',
      overrides: { title: 'Untitled 3' },
    });
    const b = await ingestBuffer(deps, await makeImage({ seed: 4 }), { name: 'b.jpg' });
    const mock = createOpenAIMock(OPENAI, [
      { text: JSON.stringify(answer) },
      { text: 'not json at all' },
    ]);
    server.use(...mock.handlers);

    // Not asked for: every other step runs, and nothing leaves the machine.
    const plain = await enrich(deps, { steps: undefined });
    expect(plain.steps).not.toContain('caption');
    expect(mock.requests).toHaveLength(0);

    const r = await enrich(deps, {
      steps: ['caption'],
      ids: [a.asset.id, b.asset.id],
      concurrency: 1,
    });
    expect(mock.requests).toHaveLength(2);
    expect(r.computed).toBe(1);
    expect(r.failed).toEqual([
      { id: b.asset.id, reason: expect.stringMatching(/caption model \(openai:gpt-5-mini\)/) },
    ]);
    const body = mock.requests[0]!.body as {
      model: string;
      input: { role: string; content: { type: string; image_url?: string }[] }[];
      text?: { format?: { type: string; schema?: { properties?: Record<string, unknown> } } };
    };
    expect(body.model).toBe('gpt-5-mini');
    const image = body.input
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .find((c) => c.type === 'input_image');
    expect(image?.image_url).toMatch(/^data:image\/jpeg;base64,/);
    // Shrunk before it leaves: at most 768 px on the longest side.
    const jpeg = Buffer.from(image!.image_url!.split(',')[1]!, 'base64');
    const { default: sharp } = await import('sharp');
    expect((await sharp(jpeg).metadata()).width).toBe(768);
    expect(body.text?.format?.type).toBe('json_schema');
    expect(Object.keys(body.text?.format?.schema?.properties ?? {})).toEqual(
      expect.arrayContaining(['caption', 'objects', 'setting', 'mood']),
    );

    const d = await invokeTool(describeAsset, { assetId: a.asset.id }, deps, { actor });
    expect(d.caption).toEqual({ ...answer, model: 'openai:gpt-5-mini', current: true });
    const found = await invokeTool(searchAssets, { query: 'water bottle' }, deps, { actor });
    expect(found.items[0]!.id).toBe(a.asset.id);

    // Current: a rerun asks the model nothing.
    const again = await enrich(deps, { steps: ['caption'], ids: [a.asset.id] });
    expect(again).toMatchObject({ computed: 0, current: 1 });
    expect(mock.requests).toHaveLength(2);
  });

  it('is skipped with a note when no model is configured or it is off', async () => {
    env = await makeTestDeps();
    await ingestBuffer(env.deps, await makeImage({ seed: 5 }), { name: 'c.jpg' });
    const none = await enrich(env.deps, { steps: ['caption'] });
    expect(none.notes).toEqual([expect.stringMatching(/caption: no vision model configured/)]);
    await env.cleanup();
    env = await makeTestDeps({ OPENAI_API_KEY: 'sk-test-key', VISION_CAPTION: 'off' });
    const off = await enrich(env.deps, { steps: ['caption'] });
    expect(off.notes).toEqual(['caption: off (VISION_CAPTION=off); skipped']);
  });
});
