import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const base = {
  tool: 'set-asset-status',
  inputJson: '{"assetIds":["a1"],"status":"archived"}',
  inputHash: 'h1',
  conversationId: 'web-1',
  requestedBy: { id: 'maya', surface: 'web' },
  summary: 'Set status of asset a1 to "archived"',
};

describe('ApprovalsRepository', () => {
  it('lets exactly one of many racing transitions claim a pending action', async () => {
    env = await makeTestDeps();
    const repo = env.deps.approvals;
    const a = await repo.create({ ...base, expiresAt: new Date(Date.now() + 60_000) });
    expect(await repo.get(a.id)).toMatchObject({
      status: 'pending',
      conversationId: 'web-1',
      requestedBy: { id: 'maya' },
    });
    const results = await Promise.all(
      ['lee', 'sam', 'kim', 'ana', 'bo'].map((by) =>
        repo.transition(a.id, by === 'bo' ? 'denied' : 'approved', by),
      ),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const row = await repo.get(a.id);
    expect(row?.decidedBy).toBe(winners[0]!.decidedBy);
    // Only an approved action can be marked executed.
    const executed = await repo.markExecuted(a.id, '{"ok":true}');
    if (row?.status === 'approved')
      expect(executed).toMatchObject({ status: 'executed', outputJson: '{"ok":true}' });
    else expect(executed).toBeNull();
  });

  it('lists only live pending actions of a conversation and never claims an expired one', async () => {
    env = await makeTestDeps();
    const repo = env.deps.approvals;
    const live = await repo.create({ ...base, expiresAt: new Date(Date.now() + 60_000) });
    const old = await repo.create({ ...base, expiresAt: new Date(Date.now() - 1_000) });
    await repo.create({
      ...base,
      conversationId: 'web-2',
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect((await repo.pendingFor('web-1')).map((r) => r.id)).toEqual([live.id]);
    expect(await repo.transition(old.id, 'approved', 'lee')).toBeNull();
    await repo.markExpired(old.id);
    expect((await repo.get(old.id))?.status).toBe('expired');
    expect(await repo.get('doesnotexist')).toBeNull();
    expect(await repo.transition('doesnotexist', 'approved', 'lee')).toBeNull();
    expect(await repo.get('doesnotexist')).toBeNull();
  });
});
