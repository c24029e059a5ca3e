import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeHandler, nodeServer, serverApp } from '../cli/serve.ts';
import { replaceAssetFile } from '../graph/versions.ts';
import { type FakeSlack, startFakeSlack } from '../test/fake-slack.ts';
import { makeImage, makeTestDeps, seedImageAssets, type TestEnv } from '../test/helpers.ts';
import { rippleFamily } from '../test/ripple-family.ts';

const SECRET = 'slack-signing-secret-for-tests';
let env: TestEnv | undefined;
let slack: FakeSlack | undefined;
let stopServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopServer?.();
  await slack?.close();
  await env?.cleanup();
  env = undefined;
  slack = undefined;
  stopServer = undefined;
});

/** curator serve's app with Slack on, on a real port, against the fake Web API. */
async function start(extra: Record<string, string> = {}) {
  slack = await startFakeSlack();
  env = await makeTestDeps({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_API_URL: slack.url,
    PUBLIC_URL: 'http://curator.test',
    ...extra,
  });
  const closers: (() => Promise<void>)[] = [];
  const starters: (() => Promise<void>)[] = [];
  const handlers: NodeHandler[] = [];
  const app = serverApp(
    env.deps,
    (f) => closers.push(f),
    (f) => starters.push(f),
    (h) => handlers.push(h),
  );
  const server = nodeServer(app, handlers);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  for (const s of starters) await s();
  stopServer = async () => {
    for (const c of closers) await c();
    await new Promise<void>((r) => server.close(() => r()));
  };
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, deps: env.deps };
}

/** A request signed the way Slack documents: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
function signed(body: string, opts: { ts?: number; secret?: string; type?: string } = {}) {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', opts.secret ?? SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex');
  return {
    method: 'POST',
    headers: {
      'content-type': opts.type ?? 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${sig}`,
    },
    body,
  };
}

let n = 0;
const mention = (text: string, user = 'U1', channel = 'C1') => {
  n++;
  const ts = `1712000000.${String(n).padStart(6, '0')}`;
  return {
    ts,
    channel,
    body: JSON.stringify({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `Ev${n}ABC${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_mention', user, text: `<@UBOT> ${text}`, ts, channel, event_ts: ts },
    }),
  };
};

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the fake recorded it
const blocksOf = (call: { body: Record<string, any> }): any[] => call.body.blocks ?? [];

describe('the Slack app over HTTP', () => {
  it('answers a mention in its thread: a placeholder first, then blocks with signed images', async () => {
    // With a web sign-in on, files need a session: only the signature opens Slack's images.
    const { url, deps } = await start({ WEB_AUTH_TOKEN: 'web-token-0123456789abcdef' });
    await seedImageAssets(deps, 3);
    const m = mention('list assets');
    const r = await fetch(`${url}/slack/events`, signed(m.body));
    expect(r.status).toBe(200);
    const [placeholder] = await slack!.waitFor('chat.postMessage');
    expect(placeholder!.body).toMatchObject({ channel: 'C1', thread_ts: m.ts });
    const updates = await slack!.waitFor('chat.update');
    await new Promise((res) => setTimeout(res, 200));
    const last = slack!.of('chat.update').at(-1)!;
    expect(updates.length).toBeGreaterThan(0);
    const images = blocksOf(last)
      .map((b) => b.accessory)
      .filter((a) => a?.type === 'image');
    expect(images.length).toBe(3);
    const img = new URL(images[0].image_url);
    expect(img.origin).toBe('http://curator.test');
    expect(img.pathname).toMatch(/\/files\/assets\/[a-z0-9]+\/thumb\.png$/);
    // The signed URL opens the picture without a session; altered, it opens nothing.
    const ok = await fetch(`${url}${img.pathname}${img.search}`);
    expect(ok.status).toBe(200);
    expect((await fetch(`${url}${img.pathname}`)).status).toBe(401);
    expect(ok.headers.get('content-type')).toBe('image/png');
    const other = img.pathname.replace(/assets\/[a-z0-9]+\//, `assets/${'a'.repeat(16)}/`);
    expect((await fetch(`${url}${other}${img.search}`)).status).toBe(401);
    const forged = img.search.replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`);
    expect((await fetch(`${url}${img.pathname}${forged}`)).status).toBe(401);
    await env!.cleanup().catch(() => {});
  });

  it('refuses a tampered body, a wrong signature and a 6-minute-old timestamp, doing nothing', async () => {
    const { url } = await start();
    const m = mention('list assets');
    const tampered = signed(m.body);
    tampered.body = tampered.body.replace('list assets', 'archive everything');
    const wrong = signed(m.body, { secret: 'not-the-secret' });
    const old = signed(m.body, { ts: Math.floor(Date.now() / 1000) - 6 * 60 });
    for (const req of [tampered, wrong, old]) {
      expect((await fetch(`${url}/slack/events`, req)).status).toBe(401);
    }
    await new Promise((res) => setTimeout(res, 300));
    expect(slack!.of('chat.postMessage')).toEqual([]);
  });

  it('answers an event Slack delivers three times once', async () => {
    const { url, deps } = await start();
    await seedImageAssets(deps, 1);
    const m = mention('list assets');
    for (const retry of [undefined, '1', '2']) {
      const req = signed(m.body);
      if (retry)
        Object.assign(req.headers, {
          'x-slack-retry-num': retry,
          'x-slack-retry-reason': 'http_timeout',
        });
      expect((await fetch(`${url}/slack/events`, req)).status).toBe(200);
    }
    await slack!.waitFor('chat.update');
    await new Promise((res) => setTimeout(res, 500));
    expect(slack!.of('chat.postMessage')).toHaveLength(1);
  });

  it("refuses an approval from someone else, and runs the requester's once, updating the message", async () => {
    const { url, deps } = await start();
    const [id] = await seedImageAssets(deps, 1);
    const m = mention(`archive ${id}`, 'U1');
    await fetch(`${url}/slack/events`, signed(m.body));
    await slack!.waitFor('chat.update');
    await new Promise((res) => setTimeout(res, 200));
    const answer = slack!.of('chat.update').at(-1)!;
    const buttons = blocksOf(answer)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements);
    const approve = buttons.find((b) => b.action_id === 'curator_approve');
    expect(approve).toBeDefined();
    expect((await deps.assets.get(id!)).status).not.toBe('archived');

    const click = (user: string) => {
      const payload = {
        type: 'block_actions',
        user: { id: user },
        team: { id: 'T1' },
        api_app_id: 'A1',
        channel: { id: 'C1' },
        container: { type: 'message', message_ts: answer.body.ts, channel_id: 'C1' },
        message: { ts: answer.body.ts, thread_ts: m.ts, blocks: blocksOf(answer) },
        response_url: `${slack!.url.replace(/\/api\/$/, '')}/response/${user}`,
        trigger_id: 't',
        actions: [{ ...approve, type: 'button', action_ts: '1' }],
      };
      return fetch(
        `${url}/slack/events`,
        signed(`payload=${encodeURIComponent(JSON.stringify(payload))}`, {
          type: 'application/x-www-form-urlencoded',
        }),
      );
    };
    expect((await click('U2')).status).toBe(200);
    const refused = await slack!.waitFor('response/U2');
    expect(String(refused[0]!.body.text)).toMatch(/Only <@U1>/);
    expect((await deps.assets.get(id!)).status).not.toBe('archived');

    const before = slack!.of('chat.update').length;
    expect((await click('U1')).status).toBe(200);
    await slack!.waitFor('chat.update', before + 1);
    const decided = slack!.of('chat.update').at(-1)!;
    expect(JSON.stringify(blocksOf(decided))).toMatch(/Approved by <@U1>/);
    expect(JSON.stringify(blocksOf(decided))).not.toMatch(/curator_approve/);
    expect((await deps.assets.get(id!)).status).toBe('archived');
    // A second click finds it decided: nothing runs twice.
    await click('U1');
    const again = await slack!.waitFor('response/U1');
    expect(String(again[0]!.body.text)).toMatch(/already approved/);
  });

  it('says where it cannot post, and stays up when Slack is unreachable at start', async () => {
    const { url } = await start({ SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    const m = mention('list assets');
    expect((await fetch(`${url}/slack/events`, signed(m.body))).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

const command = (text: string, channel = 'C1') =>
  new URLSearchParams({
    token: 'x',
    team_id: 'T1',
    channel_id: channel,
    user_id: 'U1',
    command: '/curator',
    text,
    response_url: 'RESPONSE_URL',
    trigger_id: 't',
    api_app_id: 'A1',
  }).toString();

describe('the Slack app: commands, DMs, notices', () => {
  it('answers /curator in a thread of its own, and says so when it is not in the channel', async () => {
    const { url, deps } = await start();
    await seedImageAssets(deps, 1);
    const form = { type: 'application/x-www-form-urlencoded' };
    const r = await fetch(`${url}/slack/events`, signed(command('list assets'), form));
    expect(r.status).toBe(200);
    const posts = await slack!.waitFor('chat.postMessage', 2);
    expect(posts[0]!.body).toMatchObject({ channel: 'C1', text: '<@U1> asked: list assets' });
    expect(posts[1]!.body.thread_ts).toMatch(/^1700000000\./);
    await slack!.waitFor('chat.update');

    slack!.notIn.add('C9');
    const responses = slack!.url.replace(/\/api\/$/, '/response/cmd');
    const body = command('list assets', 'C9').replace(
      'RESPONSE_URL',
      encodeURIComponent(responses),
    );
    await fetch(`${url}/slack/events`, signed(body, form));
    const said = await slack!.waitFor('response/cmd');
    expect(String(said[0]!.body.text)).toMatch(/invite me/);
  });

  it('waits out a rate limit and still answers', async () => {
    const { url, deps } = await start();
    await seedImageAssets(deps, 1);
    slack!.limitOnce.add('chat.postMessage');
    const m = mention('list assets');
    await fetch(`${url}/slack/events`, signed(m.body));
    const posts = await slack!.waitFor('chat.postMessage', 2);
    // The first try was limited; the retry after Retry-After landed in the thread.
    expect(posts[1]!.body).toMatchObject({ channel: 'C1', thread_ts: m.ts });
    await slack!.waitFor('chat.update');
  });

  it('answers a direct message, and never its own messages', async () => {
    const { url, deps } = await start();
    await seedImageAssets(deps, 1);
    const dm = (user: string | undefined, extra: object = {}) =>
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `EvDM${Math.random()}`,
        event: {
          type: 'message',
          channel_type: 'im',
          channel: 'D1',
          user,
          text: 'list assets',
          ts: '1712000100.000100',
          ...extra,
        },
      });
    await fetch(
      `${url}/slack/events`,
      signed(dm(undefined, { bot_id: 'BBOT', subtype: 'bot_message' })),
    );
    await fetch(`${url}/slack/events`, signed(dm('U1')));
    const posts = await slack!.waitFor('chat.postMessage');
    await new Promise((res) => setTimeout(res, 300));
    expect(slack!.of('chat.postMessage')).toHaveLength(1);
    // A DM is one conversation: the answer comes at the top, not in a thread of its own.
    expect(posts[0]!.body.channel).toBe('D1');
    expect(posts[0]!.body.thread_ts).toBeUndefined();
  });

  it('posts a budget proposal to SLACK_NOTIFY_CHANNEL with its decision buttons', async () => {
    const { deps } = await start({ SLACK_NOTIFY_CHANNEL: 'CBUDGET' });
    await deps.notices.send({
      kind: 'proposal',
      summary: 'p1',
      view: {
        kind: 'proposal',
        id: 'p1abc',
        status: 'proposed',
        title: 'Budget proposal, 2026-12-07 to 2026-12-13',
        summary: 'Move USD 500 of USD 5,000',
        columns: ['placement', 'now USD', 'proposed USD', 'CTR index (90%)'],
        rows: [['sl-01-igf', 100, 150, { value: 1.2, low: 1.1, high: 1.3 }]],
        fields: [{ label: 'Method', value: 'Thompson sampling' }],
        read: [],
      },
    });
    const [post] = await slack!.waitFor('chat.postMessage');
    expect(post!.body.channel).toBe('CBUDGET');
    const json = JSON.stringify(post!.body.blocks);
    expect(json).toContain('sl-01-igf');
    expect(json).toContain('Thompson sampling');
    expect(json).toContain('approve proposal p1abc');
  });

  it("posts a ripple's change report to SLACK_NOTIFY_CHANNEL when it ends", async () => {
    const { deps } = await start({ SLACK_NOTIFY_CHANNEL: 'CRIPPLE' });
    const f = await rippleFamily(deps);
    const v = await replaceAssetFile(deps, f.master, await makeImage({ seed: 41 }), {
      by: 'test',
      approvedBy: 'test',
    });
    expect(v.ripple?.state).toBe('done');
    const [post] = await slack!.waitFor('chat.postMessage');
    expect(post!.body.channel).toBe('CRIPPLE');
    const json = JSON.stringify(post!.body.blocks);
    expect(json).toContain(`Ripple ${v.ripple!.id}`);
    expect(json).toContain('4 re-made as new versions');
    expect(json).toContain('1 needs a person');
  }, 60_000);
});

describe('the Slack app in Socket Mode', () => {
  it('connects through apps.connections.open, acks an event on the socket and answers it', async () => {
    const { deps } = await start({ SLACK_APP_TOKEN: 'xapp-test', SLACK_SIGNING_SECRET: '' });
    await seedImageAssets(deps, 1);
    await slack!.waitFor('apps.connections.open');
    const until = Date.now() + 10_000;
    while (!slack!.sockets.length && Date.now() < until)
      await new Promise((r) => setTimeout(r, 25));
    const ws = slack!.sockets[0]!;
    const acks: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { envelope_id?: string };
      if (m.envelope_id) acks.push(m.envelope_id);
    });
    const m = mention('list assets');
    ws.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
        payload: JSON.parse(m.body),
      }),
    );
    const [post] = await slack!.waitFor('chat.postMessage');
    expect(post!.body).toMatchObject({ channel: 'C1', thread_ts: m.ts });
    await slack!.waitFor('chat.update');
    expect(acks).toContain('env-1');
  });
});

describe('slack-app/manifest.yaml', () => {
  it('asks for what the app listens to: mentions, DMs, /curator, buttons', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('./manifest.yaml', import.meta.url), 'utf8');
    for (const want of [
      'app_mention',
      'message.im',
      'command: /curator',
      'chat:write',
      'is_enabled: true',
    ]) {
      expect(text).toContain(want);
    }
    expect(text.match(/\/slack\/events/g)?.length).toBe(3);
  });
});
