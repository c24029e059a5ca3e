import { DefaultChatTransport, readUIMessageStream } from 'ai';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../ingest/ingest.ts';
import { makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { seedAssets } from '../test/seed.ts';
import { setAssetStatus } from '../tools/set-asset-status.ts';
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
  opts: {
    id?: string;
    headers?: Record<string, string>;
    files?: { url: string }[];
    trigger?: 'submit-message' | 'regenerate-message';
  } = {},
): Promise<ChatMessage> {
  const stream = await transportFor(app, opts.headers).sendMessages({
    chatId: opts.id ?? CONV,
    trigger: opts.trigger ?? 'submit-message',
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

  it("keeps an upload its sender's: typed or guessed, someone else's id finds nothing", async () => {
    const TOKEN = 'web-token-0123456789abcdef';
    env = await makeTestDeps({ WEB_AUTH_TOKEN: TOKEN });
    await ingestBuffer(env.deps, await makeImage({ seed: 1, width: 400, height: 250 }), {
      name: 's1.jpg',
    });
    const app = createApp(env.deps);
    const cookieOf = async (name: string) =>
      (
        await app.request('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: TOKEN, name }),
        })
      ).headers
        .get('set-cookie')!
        .split(';')[0]!;
    const maria = { cookie: await cookieOf('maria') };
    const jo = { cookie: await cookieOf('jo') };
    const form = new FormData();
    form.append('file', new File([new Uint8Array(await makeImage({ seed: 1 }))], 'a.png'));
    const up = (await (
      await app.request('/api/uploads', { method: 'POST', body: form, headers: maria })
    ).json()) as { id: string; url: string };
    expect((await app.request(up.url, { headers: jo })).status).toBe(404);
    await expect(
      ask(app, 'find similar', { headers: jo, files: [{ url: up.url }] }),
    ).rejects.toThrow(/no upload/);
    const typed = await ask(app, `find assets similar to this image upload:${up.id}`, {
      headers: jo,
      id: '5d6f1c9e-0000-4000-8000-000000000002',
    });
    expect(views(typed).some((v) => v?.kind === 'grid')).toBe(false);
    const typedMarker = await ask(app, `find similar [attached image upload:${up.id}]`, {
      headers: jo,
      id: '5d6f1c9e-0000-4000-8000-000000000003',
    });
    expect(views(typedMarker).some((v) => v?.kind === 'grid')).toBe(false);
  });
});

describe('conversations of other surfaces', () => {
  it('stay out of reach of a browser that names their id', async () => {
    env = await makeTestDeps();
    const [asset] = await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    // An MCP client's conversation, with a pending action in it.
    const action = await env.deps.approvalGate.request({
      tool: setAssetStatus,
      input: { assetIds: [asset!.id], status: 'archived' },
      conversationId: 'mcp-session-1',
      requestedBy: { id: 'mcp-client', surface: 'mcp' },
    });
    await env.deps.conversations.append('mcp-session-1', [
      { role: 'user', content: 'secret plans' },
    ]);
    const app = createApp(env.deps);
    await ask(app, 'which assets are approved', { id: 'mcp-session-1' });
    const conv = (await (await app.request('/api/conversations/mcp-session-1')).json()) as {
      messages: ChatMessage[];
    };
    expect(JSON.stringify(conv.messages)).not.toContain('secret plans');
    const r = await app.request(`/api/chat/actions/${action.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'mcp-session-1', input: action.input }),
    });
    expect(r.status).toBe(403);
    expect((await env.deps.assets.get(asset!.id)).status).toBe('approved');
  });

  it('asks a retried question once, the failed answer replaced', async () => {
    env = await makeTestDeps();
    await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    await ask(app, 'which assets are approved');
    await ask(app, 'which assets are approved', { trigger: 'regenerate-message' });
    const conv = (await (await app.request(`/api/conversations/${CONV}`)).json()) as {
      messages: ChatMessage[];
    };
    expect(conv.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
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

  it('takes the name from a personal token, and keeps shared-token names off the approver group', async () => {
    env = await makeTestDeps({
      WEB_AUTH_TOKEN: TOKEN,
      WEB_USERS: 'maria:maria-token-0123456789,jo:jo-token-0123456789abc',
      APPROVERS: 'maria,jo',
    });
    const [asset] = await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    const signIn = (body: object) =>
      app.request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const personal = await signIn({ token: 'jo-token-0123456789abc', name: 'maria' });
    expect(await personal.json()).toMatchObject({ user: 'jo' });
    // The shared token cannot take a personal user's name, nor the reserved ones.
    for (const name of ['maria', 'Maria', 'api', 'local']) {
      expect((await signIn({ token: TOKEN, name })).status, name).toBe(403);
    }
    const guest = await signIn({ token: TOKEN, name: 'guest' });
    const guestCookie = { cookie: guest.headers.get('set-cookie')!.split(';')[0]! };
    const joCookie = { cookie: personal.headers.get('set-cookie')!.split(';')[0]! };

    // The guest asks; an approval from a shared-token session does not count, jo's does.
    const m = await ask(app, `archive ${asset!.id}`, { headers: guestCookie });
    const pending = views(m).find((v) => v?.kind === 'pending');
    if (pending?.kind !== 'pending') throw new Error('no pending view');
    const approve = (headers: Record<string, string>) =>
      app.request(`/api/chat/actions/${pending.action.id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ conversationId: CONV, input: pending.action.input }),
      });
    const byGuest = await approve(guestCookie);
    expect(byGuest.status).toBe(403);
    expect(await byGuest.text()).toMatch(/personal sign-in/);
    expect((await env.deps.assets.get(asset!.id)).status).toBe('approved');
    // jo, signed in with a personal token and in the group, decides it from the inbox.
    expect((await approve(joCookie)).status).toBe(200);
    expect((await env.deps.assets.get(asset!.id)).status).toBe('archived');
  });

  it("gives the approver group an inbox of everyone's pending actions, decided by another member", async () => {
    env = await makeTestDeps({
      WEB_USERS: 'maria:maria-token-0123456789,jo:jo-token-0123456789abc,sam:sam-token-0123456789',
      APPROVERS: 'maria,jo',
    });
    const [asset] = await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
    const app = createApp(env.deps);
    const cookie = async (token: string) => ({
      cookie: (
        await app.request('/api/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        })
      ).headers
        .get('set-cookie')!
        .split(';')[0]!,
    });
    const [maria, jo, sam] = [
      await cookie('maria-token-0123456789'),
      await cookie('jo-token-0123456789abc'),
      await cookie('sam-token-0123456789'),
    ];
    expect(await (await app.request('/api/session', { headers: maria })).json()).toMatchObject({
      user: 'maria',
      approver: true,
    });
    const m = await ask(app, `archive ${asset!.id}`, { headers: jo });
    const pending = views(m).find((v) => v?.kind === 'pending');
    if (pending?.kind !== 'pending') throw new Error('no pending view');
    expect((await app.request('/api/chat/actions', { headers: sam })).status).toBe(403);
    const inbox = (await (await app.request('/api/chat/actions', { headers: maria })).json()) as {
      items: { id: string }[];
    };
    expect(inbox.items.map((i) => i.id)).toEqual([pending.action.id]);
    const approve = (headers: Record<string, string>) =>
      app.request(`/api/chat/actions/${pending.action.id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ conversationId: 'inbox', input: pending.action.input }),
      });
    // The requester is in the group but may not approve their own request.
    const own = await approve(jo);
    expect(own.status).toBe(403);
    expect(await own.text()).toMatch(/another approver/);
    expect((await approve(sam)).status).toBe(404);
    const ok = await approve(maria);
    expect(ok.status).toBe(200);
    expect((await env.deps.assets.get(asset!.id)).status).toBe('archived');
    const after = (await (await app.request('/api/chat/actions', { headers: maria })).json()) as {
      items: unknown[];
    };
    expect(after.items).toEqual([]);
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
