// Changes by description, from the request to the audit trail: the exact set, batches, a resume
// after a stop mid-way, the history of an action and its undo.
import { afterEach, describe, expect, it } from 'vitest';
import type { Approvals } from '../agent/approvals.ts';
import { assetInput, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { assetHistory } from '../tools/asset-history.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { setAssetStatus } from '../tools/set-asset-status.ts';
import { undoAction } from '../tools/undo-action.ts';
import { updateAssetMetadata } from '../tools/update-asset-metadata.ts';

let env: TestEnv;
afterEach(() => env.cleanup());

const maya = { id: 'maya', surface: 'cli' as const };
const lee = { id: 'lee', surface: 'cli' as const };
const conv = { conversationId: 'conv-bulk' };

/** 250 assets of Summer Sale (200 renditions, 50 masters) and 20 of Spring Launch. */
async function library() {
  env = await makeTestDeps();
  const { deps } = env;
  for (const [id, name] of [
    ['summer-sale', 'Summer Sale'],
    ['spring-launch', 'Spring Launch'],
    ['winter-sale', 'Winter Sale'],
  ] as const) {
    await deps.catalog.upsertCampaign({ id, slug: id, name, status: 'active' });
  }
  const make = (i: number, campaign: string, kind: 'master' | 'rendition') =>
    assetInput(String(i), { keywords: ['summer'], kind, campaigns: [campaign] });
  const summer = await deps.assets.createMany(
    Array.from({ length: 250 }, (_, i) => make(i, 'summer-sale', i < 50 ? 'master' : 'rendition')),
  );
  const spring = await deps.assets.createMany(
    Array.from({ length: 20 }, (_, i) => make(1000 + i, 'spring-launch', 'master')),
  );
  return { deps, summer, spring, approvals: deps.approvalGate };
}

const archiveSummer = (approvals: Approvals) =>
  approvals.request({
    tool: setAssetStatus,
    input: { selection: { campaign: 'summer' }, status: 'archived' },
    requestedBy: maya,
    ...conv,
  });

describe('bulk changes by description', () => {
  it('stores the exact set it resolved, says what it is, and approval changes exactly that set', async () => {
    const { deps, approvals } = await library();
    const action = await archiveSummer(approvals);
    expect(action.targetCount).toBe(250);
    expect(action.summary).toBe(
      'Set status of 250 assets (campaign Summer Sale: 200 renditions, 50 masters) to "archived"',
    );
    // An asset that joins the campaign after the request is not part of what was approved.
    const [late] = await deps.assets.createMany([
      assetInput('late', { title: 'Late', campaigns: ['summer-sale'] }),
    ]);
    const { output } = await approvals.approve(action.id, lee, conv);
    expect(output).toMatchObject({ changedCount: 250, unchangedCount: 0 });
    expect(await deps.assets.count({ status: ['archived'] })).toBe(250);
    expect((await deps.assets.get(late!)).status).toBe('draft');
    expect(await deps.audit.forApproval(action.id)).toHaveLength(250);
    expect((await approvals.get(action.id))?.progress).toEqual({ done: 3, total: 3 });
  });

  it('asks which campaign when the words fit several, instead of changing both', async () => {
    const { approvals } = await library();
    await expect(
      approvals.request({
        tool: setAssetStatus,
        input: { selection: { campaign: 'sale' }, status: 'archived' },
        requestedBy: maya,
        ...conv,
      }),
    ).rejects.toMatchObject({
      code: 'ambiguous',
      message: expect.stringMatching(/Summer Sale \(summer-sale\) or Winter Sale \(winter-sale\)/),
    });
  });

  it('refuses a selection without a filter rather than changing the whole library', async () => {
    const { approvals } = await library();
    await expect(
      approvals.request({
        tool: setAssetStatus,
        input: { selection: {}, status: 'archived' },
        requestedBy: maya,
        ...conv,
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/filter/) });
  });

  it('resumes an action that stopped after its first batch, without writing anything twice', async () => {
    const { deps, approvals } = await library();
    const action = await archiveSummer(approvals);
    // What a process that stopped mid-way leaves behind: approved, one batch of three committed.
    await deps.approvals.transition(action.id, 'approved', 'lee');
    const targets = JSON.parse((await deps.approvals.get(action.id))!.targetsJson!) as string[];
    await invokeTool(
      setAssetStatus,
      { selection: { campaign: 'summer' }, status: 'archived' },
      deps,
      {
        actor: maya,
        approval: { id: action.id, approvedBy: 'lee', targets: targets.slice(0, 100) },
      },
    );
    await deps.db.query('UPDATE $id SET progress = { done: 1, total: 3 }', {
      id: (await import('../store/ids.ts')).rid('approval', action.id),
    });
    expect(await deps.assets.count({ status: ['archived'] })).toBe(100);
    const resumed = await approvals.resumeInterrupted();
    expect(resumed).toEqual([{ id: action.id, ok: true }]);
    expect(await deps.assets.count({ status: ['archived'] })).toBe(250);
    expect(await deps.audit.forApproval(action.id)).toHaveLength(250);
    expect((await approvals.get(action.id))?.status).toBe('executed');
    expect(await approvals.resumeInterrupted()).toEqual([]);
  });

  it('shows who changed an action’s assets, and undoes it except where someone edited since', async () => {
    const { deps, summer, approvals } = await library();
    const action = await archiveSummer(approvals);
    await approvals.approve(action.id, lee, conv);
    const history = await invokeTool(assetHistory, { actionId: action.id, limit: 5 }, deps, {
      actor: maya,
    });
    expect(history.total).toBe(250);
    expect(history.entries[0]).toMatchObject({
      actor: 'maya',
      action: 'set-asset-status',
      approvedBy: 'lee',
      approvalId: action.id,
      changes: { status: { before: 'draft', after: 'archived' } },
    });
    const one = await invokeTool(assetHistory, { assetId: summer[7]! }, deps, { actor: maya });
    expect(one.entries.map((e) => e.approvalId)).toEqual([action.id]);

    // Someone moves one asset on after the archive; the undo must leave it as they set it.
    await deps.assets.update(summer[3]!, { status: 'approved' });
    const undo = await approvals.request({
      tool: undoAction,
      input: { actionId: action.id },
      requestedBy: maya,
      ...conv,
    });
    expect(undo.summary).toMatch(/^Undo action .*restore the recorded values of 250 assets$/);
    expect(await deps.assets.count({ status: ['archived'] })).toBe(249);
    const { output } = await approvals.approve(undo.id, lee, conv);
    expect(output).toMatchObject({
      restoredCount: 249,
      skippedCount: 1,
      skipped: [{ id: summer[3], reason: 'status changed since' }],
    });
    expect(await deps.assets.count({ status: ['draft'] })).toBe(249 + 20);
    expect((await deps.assets.get(summer[3]!)).status).toBe('approved');
  });

  it('edits metadata by description in one action', async () => {
    const { deps, spring, approvals } = await library();
    const action = await approvals.request({
      tool: updateAssetMetadata,
      input: { selection: { campaign: 'Spring Launch', kind: 'master' }, addKeywords: ['spring'] },
      requestedBy: maya,
      ...conv,
    });
    expect(action.summary).toBe(
      'Update addKeywords of 20 assets (campaign Spring Launch, masters: 20 masters)',
    );
    const { output } = await approvals.approve(action.id, lee, conv);
    expect(output).toMatchObject({ changedCount: 20, unchangedCount: 0 });
    expect((await deps.assets.get(spring[0]!)).keywords).toEqual(['summer', 'spring']);
  });
});
