import { DefaultChatTransport, readUIMessageStream } from 'ai';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { seedAssets } from '../test/seed.ts';
import { createApp } from './app.ts';
import type { ChatMessage, ToolView } from './chat-types.ts';

let env: TestEnv;
afterEach(() => env?.cleanup());

const CONV = '5d6f1c9e-0000-4000-8000-000000000001';

/** The AI SDK's own client transport over the app: it parses and validates every chunk. */
function transportFor(app: ReturnType<typeof createApp>, headers: Record<string, string> = {}) {
  return new DefaultChatTransport<ChatMessage>({
    api: 'http://127.0.0.1:3000/api/chat',
    headers,
    fetch: async (input, init) => app.request(String(input), init),
  });
}

async function ask(
  app: ReturnType<typeof createApp>,
  text: string,
  opts: { id?: string; headers?: Record<string, string>; files?: { url: string }[] } = {},
): Promise<ChatMessage> {
  const stream = await transportFor(app, opts.headers).sendMessages({
    chatId: opts.id ?? CONV,
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
    messages: [
      {
        id: 'u1',
        role: 'user',
        parts: [
          ...(opts.files ?? []).map((f) => ({
            type: 'file' as const,
            mediaType: 'image/png',
            url: f.url,
          })),
          { type: 'text', text },
        ],
      },
    ],
  });
  let last: ChatMessage | undefined;
  for await (const m of readUIMessageStream<ChatMessage>({ stream, terminateOnError: true })) {
    last = m;
  }
  if (!last) throw new Error('no message');
  return last;
}

const views = (m: ChatMessage) =>
  m.parts
    .filter((p) => p.type === 'dynamic-tool' && p.state === 'output-available')
    .map((p) => (p as { output: ToolView }).output.view);

describe('POST /api/chat', () => {
  it('streams an answer the AI SDK client reads: the model, the tool call and its grid view', async () => {
    env = await makeTestDeps();
    await seedAssets(env.deps, [
      { title: 'Spring hero', status: 'approved' },
      { title: 'Autumn hero', status: 'draft' },
    ]);
    const app = createApp(env.deps);
    const m = await ask(app, 'which assets are approved');
    expect(m.role).toBe('assistant');
    expect(m.metadata).toMatchObject({ model: 'offline-planner', finishReason: 'stop' });
    const [grid] = views(m);
    expect(grid).toMatchObject({ kind: 'grid', total: 1 });
    expect(grid?.kind === 'grid' && grid.items[0]?.title).toBe('Spring hero');
    expect(m.parts.some((p) => p.type === 'text' && p.text.includes('Spring hero'))).toBe(true);
  });

  it('lists the conversation and reads it back as the same views', async () => {
    env = await makeTestDeps();
    await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    await ask(app, 'which assets are approved');
    const list = (await (await app.request('/api/conversations')).json()) as {
      items: { id: string; title: string }[];
    };
    expect(list.items).toEqual([
      expect.objectContaining({ id: CONV, title: 'which assets are approved' }),
    ]);
    const conv = (await (await app.request(`/api/conversations/${CONV}`)).json()) as {
      messages: ChatMessage[];
    };
    expect(conv.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(views(conv.messages[1]!)[0]).toMatchObject({ kind: 'grid', total: 1 });
  });

  it('refuses a bad body with a clear error and keeps the server up', async () => {
    env = await makeTestDeps();
    const app = createApp(env.deps);
    const post = (body: string, type = 'application/json') =>
      app.request('/api/chat', { method: 'POST', headers: { 'content-type': type }, body });
    const cases = [
      ['{', 400],
      ['{"id":"x"}', 400],
      [JSON.stringify({ id: '../etc', messages: [{ role: 'user', parts: [] }] }), 400],
      [JSON.stringify({ id: CONV, messages: [{ role: 'user', parts: [] }] }), 400],
      [
        JSON.stringify({
          id: CONV,
          messages: [
            { role: 'user', parts: [{ type: 'file', url: 'https://evil.example/x.png' }] },
          ],
        }),
        400,
      ],
    ] as const;
    for (const [body, status] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(status);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBeTruthy();
    }
    expect((await post('hello', 'text/plain')).status).toBe(415);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('approves a pending action from the page once, bound to the conversation and its input', async () => {
    env = await makeTestDeps();
    const [asset] = await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    const m = await ask(app, `archive ${asset!.id}`);
    const pending = views(m).find((v) => v?.kind === 'pending');
    if (pending?.kind !== 'pending') throw new Error('no pending view');
    expect((await env.deps.assets.get(asset!.id)).status).toBe('approved');
    const decide = (path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const url = `/api/chat/actions/${pending.action.id}/approve`;
    // Another conversation, or an input other than the one shown: nothing runs.
    expect(
      (await decide(url, { conversationId: 'aaaa-other', input: pending.action.input })).status,
    ).toBe(404);
    const altered = await decide(url, {
      conversationId: CONV,
      input: { assetIds: [asset!.id], status: 'draft' },
    });
    expect(altered.status).toBe(403);
    expect((await env.deps.assets.get(asset!.id)).status).toBe('approved');

    const ok = await decide(url, { conversationId: CONV, input: pending.action.input });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { action: { status: string }; view?: { kind: string } };
    expect(body.action.status).toBe('executed');
    expect(body.view).toBeDefined();
    expect((await env.deps.assets.get(asset!.id)).status).toBe('archived');
    const again = await decide(url, { conversationId: CONV, input: pending.action.input });
    expect(again.status).toBe(409);

    // Read back, the card shows what happened rather than asking again.
    const conv = (await (await app.request(`/api/conversations/${CONV}`)).json()) as {
      messages: ChatMessage[];
    };
    const shown = conv.messages.flatMap((x) => x.parts).find((p) => p.type === 'dynamic-tool') as
      | { output: ToolView }
      | undefined;
    expect(shown?.output.view).toMatchObject({ kind: 'pending', action: { status: 'executed' } });
    expect(shown?.output.result).toBeDefined();
  });

  it('takes an uploaded image into find-similar and shows the match first', async () => {
    env = await makeTestDeps();
    const ids: string[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const out = await ingestBuffer(env.deps, await makeImage({ seed, width: 400, height: 250 }), {
        name: `s${seed}.jpg`,
      });
      ids.push(out.asset.id);
    }
    const app = createApp(env.deps);
    const copy = await sharp(await makeImage({ seed: 3, width: 400, height: 250 }))
      .resize(96)
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new File([new Uint8Array(copy)], 'copy.png', { type: 'image/png' }));
    const up = await app.request('/api/uploads', { method: 'POST', body: form });
    expect(up.status).toBe(201);
    const info = (await up.json()) as { id: string; url: string; width: number };
    expect(info.width).toBe(96);
    expect((await app.request(info.url)).headers.get('content-type')).toBe('image/png');

    const m = await ask(app, 'find similar assets', { files: [{ url: info.url }] });
    const [grid] = views(m);
    expect(grid?.kind === 'grid' && grid.items[0]?.id).toBe(ids[2]);
    const conv = (await (await app.request(`/api/conversations/${CONV}`)).json()) as {
      messages: ChatMessage[];
    };
    expect(conv.messages[0]!.parts).toEqual([
      expect.objectContaining({ type: 'file', url: info.url }),
      { type: 'text', text: 'find similar assets' },
    ]);
  });
});

describe('uploads', () => {
  it('refuses what is not a raster image, or too big, with its reason', async () => {
    env = await makeTestDeps();
    const app = createApp(env.deps);
    const send = (data: Uint8Array<ArrayBuffer>, type: string) =>
      app.request('/api/uploads', {
        method: 'POST',
        headers: { 'content-type': type },
        body: data,
      });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>');
    const r1 = await send(svg, 'image/svg+xml');
    expect(r1.status).toBe(415);
    const r2 = await send(new TextEncoder().encode('<html>hi</html>'), 'image/png');
    expect(r2.status).toBe(415);
    expect(((await r2.json()) as { error: { message: string } }).error.message).toMatch(
      /not an image/,
    );
    const r3 = await send(new Uint8Array(11 * 1024 * 1024), 'image/png');
    expect(r3.status).toBe(413);
    const r4 = await send(new Uint8Array(0), 'image/png');
    expect(r4.status).toBe(400);
  });
});

describe('web sessions (WEB_AUTH_TOKEN)', () => {
  const TOKEN = 'web-token-0123456789abcdef';

  it('needs a sign-in for the chat and the library, and keeps conversations per person', async () => {
    env = await makeTestDeps({ WEB_AUTH_TOKEN: TOKEN });
    await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    expect((await app.request('/api/conversations')).status).toBe(401);
    expect((await app.request('/api/assets')).status).toBe(401);
    expect((await app.request('/')).status).not.toBe(401);
    expect(await (await app.request('/api/session')).json()).toMatchObject({
      mode: 'token',
      user: null,
    });

    const signIn = (token: string, name: string) =>
      app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name }),
      });
    expect((await signIn('wrong-token-0123456789', 'maria')).status).toBe(401);
    const ok = await signIn(TOKEN, 'maria');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/curator_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const maria = { cookie: cookie.split(';')[0]! };

    const m = await ask(app, 'which assets are approved', { headers: maria });
    expect(views(m)[0]).toMatchObject({ kind: 'grid', total: 1 });
    const list = await app.request('/api/conversations', { headers: maria });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);

    // Someone else, signed in, sees none of it and cannot write into it.
    const other = { cookie: (await signIn(TOKEN, 'jo')).headers.get('set-cookie')!.split(';')[0]! };
    const theirs = await app.request('/api/conversations', { headers: other });
    expect(((await theirs.json()) as { items: unknown[] }).items).toHaveLength(0);
    expect((await app.request(`/api/conversations/${CONV}`, { headers: other })).status).toBe(404);
    await expect(ask(app, 'list assets', { headers: other })).rejects.toThrow(/someone else/);

    // The token works as a bearer for API clients.
    const api = await app.request('/api/assets', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(200);

    // Signed out, the cookie opens nothing.
    await app.request('/api/session', { method: 'DELETE', headers: maria });
    expect((await app.request('/api/conversations', { headers: maria })).status).toBe(401);
  });

  it('locks out a client after ten wrong tokens in a row', async () => {
    env = await makeTestDeps({ WEB_AUTH_TOKEN: TOKEN });
    const app = createApp(env.deps);
    const signIn = (token: string) =>
      app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: 'x' }),
      });
    for (let i = 0; i < 10; i++) expect((await signIn(`wrong-${i}`)).status).toBe(401);
    expect((await signIn(TOKEN)).status).toBe(429);
  });
});
