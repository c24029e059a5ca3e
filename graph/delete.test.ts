import { afterEach, describe, expect, it } from 'vitest';
import { ListingIndex } from '../store/listing-index.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { rippleFamily } from '../test/ripple-family.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { deleteAsset } from '../tools/delete-asset.ts';
import { deleteAssets, planDelete } from './delete.ts';

const actor = { actor: { id: 'test', surface: 'test' as const } };
let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('deleting assets', () => {
  it('refuses an asset with dependents, with the reason, until cascade is chosen; then the lists, search and vectors drop them all', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    const before = await deps.assets.count();
    await expect(planDelete(deps, f.master)).rejects.toThrow(
      /has 5 dependents \(4 renditions, 1 localized cut\) made from it: choose cascade/,
    );
    // The approval request itself is refused: nobody is asked to approve what cannot run.
    await expect(
      deps.approvalGate.request({
        tool: deleteAsset,
        input: { assetId: f.master },
        conversationId: 'web-t1',
        requestedBy: actor.actor,
      }),
    ).rejects.toThrow(/dependents/);
    await expect(invokeTool(deleteAsset, { assetId: f.master }, deps, actor)).rejects.toThrow(
      /approval/,
    );
    // Another process's listing index, caught up by watermark: it learns of deletes by tombstone.
    const other = new ListingIndex(deps.db, { storeId: 'other', pollMs: 0 });
    expect(await other.count()).toBe(before);
    const plan = await planDelete(deps, f.master, 'cascade');
    const out = await invokeTool(deleteAsset, { assetId: f.master, dependents: 'cascade' }, deps, {
      ...actor,
      approval: { id: 'a1', approvedBy: 'dana', targets: plan.ids },
    });
    expect(out.deleted.sort()).toEqual([f.master, ...f.renditions, f.cut].sort());
    expect(await deps.assets.count()).toBe(before - 6);
    expect(await other.count()).toBe(before - 6);
    await other.close();
    expect(await deps.assets.byIds(out.deleted)).toEqual([]);
    expect((await deps.graph.edges()).some((e) => out.deleted.includes(e.child))).toBe(false);
    // The unrelated master and its rendition are still there and still found.
    expect((await deps.assets.byIds(f.untouched)).length).toBe(2);
    const q = await deps.blobs.get((await deps.assets.get(f.untouched[0]!)).blobKey);
    expect(q.length).toBeGreaterThan(0);
    const [vec] = await deps.embeddings.forAssets([f.untouched[0]!], deps.vectors.provider);
    const near = await deps.vectors.search(vec!.vector, 10);
    expect(near.hits.filter((h) => out.deleted.includes(h.id))).toEqual([]);
    expect(near.hits[0]!.id).toBe(f.untouched[0]);
    const found = await deps.text.search('hero');
    expect(found.some((h) => out.deleted.includes(h.id))).toBe(false);
    const trail = await deps.audit.forTarget(`asset:${f.master}`);
    expect(trail[0]).toMatchObject({ action: 'asset.delete', approvedBy: 'dana' });
  }, 60_000);

  it('re-parents the direct children onto the parent, and refuses where there is no parent', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    await expect(planDelete(deps, f.master, 'reparent')).rejects.toThrow(/no parent/);
    // The story has one child (a rendition made from it): it moves up to the master.
    const plan = await planDelete(deps, f.story, 'reparent');
    expect(plan.moves).toEqual([{ child: f.grand, edge: 'derived_from', to: f.master }]);
    await deleteAssets(deps, plan, { actor: 'test' });
    const up = await deps.graph.walk(f.grand, 'up', 3);
    expect(up.steps.map((s) => s.id)).toEqual([f.master]);
    expect(await deps.assets.byId(f.story)).toBeNull();
  }, 60_000);

  it('refuses an asset a placement uses: archive it instead', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    await deps.catalog.upsertCampaign({
      id: 'spring',
      slug: 'spring',
      name: 'Spring',
      status: 'active',
    });
    await deps.catalog.upsertPlacement({
      id: 'pl-1',
      asset: f.grand,
      campaign: 'spring',
      channel: 'display-skyscraper',
    });
    await expect(planDelete(deps, f.story, 'cascade')).rejects.toThrow(
      /1 placement \(campaign spring\) uses what would be deleted: .*archive it instead/,
    );
    expect(await deps.assets.byId(f.story)).not.toBeNull();
  }, 60_000);
});
