import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { seedAssets } from '../test/seed.ts';
import { type Actor, invokeTool, type ToolContext } from './define-tool.ts';
import { setAssetStatus } from './set-asset-status.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const maya: Actor = { id: 'maya', surface: 'web' };
const approved: ToolContext = { actor: maya, approval: { id: 'appr1', approvedBy: 'lee' } };

describe('set-asset-status', () => {
  it('changes many assets at once and audits each change with who approved it', async () => {
    env = await makeTestDeps();
    const assets = await seedAssets(env.deps, [
      { title: 'A', status: 'draft' },
      { title: 'B', status: 'needs_review' },
      { title: 'C', status: 'approved' },
    ]);
    const ids = assets.map((a) => a.id);
    const out = await invokeTool(
      setAssetStatus,
      { assetIds: [...ids, `asset:${ids[0]}`], status: 'approved' },
      env.deps,
      approved,
    );
    expect(out.changed.map((c) => [c.id, c.before])).toEqual([
      [ids[0], 'draft'],
      [ids[1], 'needs_review'],
    ]);
    expect(out.unchanged).toEqual([ids[2]]);
    expect((await env.deps.assets.byIds(ids)).map((a) => a.status)).toEqual([
      'approved',
      'approved',
      'approved',
    ]);
    const trail = await env.deps.audit.forTarget(`asset:${ids[0]}`);
    expect(trail).toEqual([
      expect.objectContaining({
        actor: 'maya',
        approvedBy: 'lee',
        approvalId: 'appr1',
        changes: { status: { before: 'draft', after: 'approved' } },
      }),
    ]);
    // No change, no audit entry.
    expect(await env.deps.audit.forTarget(`asset:${ids[2]}`)).toEqual([]);
  });

  it('changes nothing when one id is unknown', async () => {
    env = await makeTestDeps();
    const [a] = await seedAssets(env.deps, [{ title: 'A', status: 'draft' }]);
    await expect(
      invokeTool(
        setAssetStatus,
        { assetIds: [a!.id, 'nosuchasset1234'], status: 'archived' },
        env.deps,
        approved,
      ),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/nosuchasset1234.*nothing changed/),
    });
    expect((await env.deps.assets.get(a!.id)).status).toBe('draft');
  });

  it('refuses more than 100 assets, unknown statuses, and running without approval', async () => {
    env = await makeTestDeps();
    const many = Array.from({ length: 101 }, (_, i) => `asset${i}x`);
    await expect(
      invokeTool(setAssetStatus, { assetIds: many, status: 'draft' }, env.deps, approved),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      invokeTool(setAssetStatus, { assetIds: ['abc'], status: 'deleted' }, env.deps, approved),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      invokeTool(setAssetStatus, { assetIds: ['abc'], status: 'draft' }, env.deps, { actor: maya }),
    ).rejects.toMatchObject({
      code: 'approval_required',
    });
  });
});
