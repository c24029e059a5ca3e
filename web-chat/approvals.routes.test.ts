import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { seedAssets } from '../test/seed.ts';
import { setAssetStatus } from '../tools/set-asset-status.ts';
import { createApp } from './app.ts';

const TOKEN = 'approver-token-0123456789';
let env: TestEnv;
afterEach(() => env.cleanup());

async function pendingArchive() {
  const [asset] = await seedAssets(env.deps, [{ title: 'Spring hero', status: 'approved' }]);
  const action = await env.deps.approvalGate.request({
    tool: setAssetStatus,
    input: { assetIds: [asset!.id], status: 'archived' },
    conversationId: 'web-session-1',
    requestedBy: { id: 'agent', surface: 'agent' },
  });
  return { asset: asset!, action };
}

const post = (app: ReturnType<typeof createApp>, path: string, body: unknown, token = TOKEN) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe('approvals over HTTP', () => {
  it('are off without APPROVER_TOKEN and need the token when on', async () => {
    env = await makeTestDeps();
    const off = await createApp(env.deps).request('/api/approvals/abc', { method: 'GET' });
    expect(off.status).toBe(503);
    await env.cleanup();
    env = await makeTestDeps({ APPROVER_TOKEN: TOKEN });
    const { action } = await pendingArchive();
    const app = createApp(env.deps);
    expect((await app.request(`/api/approvals/${action.id}`)).status).toBe(401);
    const wrong = await post(
      app,
      `/api/approvals/${action.id}/approve`,
      { conversationId: 'web-session-1' },
      'x'.repeat(20),
    );
    expect(wrong.status).toBe(401);
  });

  it('runs an approved action once, bound to its conversation, and records who approved it', async () => {
    env = await makeTestDeps({ APPROVER_TOKEN: TOKEN });
    const { asset, action } = await pendingArchive();
    const app = createApp(env.deps);
    const other = await post(app, `/api/approvals/${action.id}/approve`, {
      conversationId: 'someone-else',
    });
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect((await env.deps.assets.get(asset.id)).status).toBe('approved');

    const ok = await post(app, `/api/approvals/${action.id}/approve`, {
      conversationId: 'web-session-1',
      by: 'maria',
    });
    expect(ok.status).toBe(200);
    expect((await env.deps.assets.get(asset.id)).status).toBe('archived');
    const again = await post(app, `/api/approvals/${action.id}/approve`, {
      conversationId: 'web-session-1',
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    const audit = await env.deps.audit.forTarget(`asset:${asset.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ approvedBy: 'maria', approvalId: action.id });
  });

  it('refuses bodies that are too large, not JSON or malformed, and changes nothing', async () => {
    env = await makeTestDeps({ APPROVER_TOKEN: TOKEN });
    const { asset, action } = await pendingArchive();
    const app = createApp(env.deps);
    const path = `/api/approvals/${action.id}/approve`;
    const send = (body: string, type = 'application/json') =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${TOKEN}` },
        body,
      });
    const error = async (res: Response) => ((await res.json()) as { error: unknown }).error;

    const huge = await send(
      JSON.stringify({ conversationId: 'web-session-1', by: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(await error(huge)).toMatchObject({ code: 'too_large' });

    const plain = await send(JSON.stringify({ conversationId: 'web-session-1' }), 'text/plain');
    expect(plain.status).toBe(415);
    expect(await error(plain)).toMatchObject({ code: 'unsupported_media_type' });

    const bad = await send('{bad');
    expect(bad.status).toBe(400);
    expect(await error(bad)).toEqual({ code: 'invalid_input', message: 'invalid JSON' });
    expect((await env.deps.assets.get(asset.id)).status).toBe('approved');

    const ok = await send(
      JSON.stringify({ conversationId: 'web-session-1' }),
      'application/json; charset=utf-8',
    );
    expect(ok.status).toBe(200);
    expect((await env.deps.assets.get(asset.id)).status).toBe('archived');
  });

  it('denies without changing anything', async () => {
    env = await makeTestDeps({ APPROVER_TOKEN: TOKEN });
    const { asset, action } = await pendingArchive();
    const app = createApp(env.deps);
    const res = await post(app, `/api/approvals/${action.id}/deny`, {
      conversationId: 'web-session-1',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { action: { status: string } }).action.status).toBe('denied');
    expect((await env.deps.assets.get(asset.id)).status).toBe('approved');
    expect(
      (await post(app, `/api/approvals/${action.id}/approve`, { conversationId: 'web-session-1' }))
        .status,
    ).toBeGreaterThanOrEqual(400);
  });
});
