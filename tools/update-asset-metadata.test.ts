import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { seedAssets } from '../test/seed.ts';
import { invokeTool, type ToolContext } from './define-tool.ts';
import { updateAssetMetadata } from './update-asset-metadata.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const approved: ToolContext = {
  actor: { id: 'maya', surface: 'web' },
  approval: { id: 'appr9', approvedBy: 'lee' },
};

describe('update-asset-metadata', () => {
  it('edits title and keywords, and audits exactly what changed', async () => {
    env = await makeTestDeps();
    const [a] = await seedAssets(env.deps, [
      { title: 'IMG_0042', description: 'beach at dusk', keywords: ['beach', 'Summer'] },
    ]);
    const out = await invokeTool(
      updateAssetMetadata,
      {
        assetId: a!.id,
        title: 'Dusk on the beach',
        addKeywords: ['sunset', 'summer'],
        removeKeywords: ['BEACH'],
      },
      env.deps,
      approved,
    );
    expect(out).toMatchObject({
      changed: ['title', 'keywords'],
      keywords: ['Summer', 'sunset'],
      approvalId: 'appr9',
    });
    const after = await env.deps.assets.get(a!.id);
    expect(after).toMatchObject({
      title: 'Dusk on the beach',
      description: 'beach at dusk',
      keywords: ['Summer', 'sunset'],
    });
    const [entry] = await env.deps.audit.forTarget(`asset:${a!.id}`);
    expect(entry).toMatchObject({
      action: 'update-asset-metadata',
      actor: 'maya',
      approvedBy: 'lee',
      changes: {
        title: { before: 'IMG_0042', after: 'Dusk on the beach' },
        keywords: { before: ['beach', 'Summer'], after: ['Summer', 'sunset'] },
      },
    });
    expect(entry!.changes.description).toBeUndefined();
  });

  it('writes nothing when the values are already there', async () => {
    env = await makeTestDeps();
    const [a] = await seedAssets(env.deps, [{ title: 'Same', keywords: ['x'] }]);
    const out = await invokeTool(
      updateAssetMetadata,
      { assetId: a!.id, title: 'Same', keywords: ['x'] },
      env.deps,
      approved,
    );
    expect(out.changed).toEqual([]);
    expect(await env.deps.audit.forTarget(`asset:${a!.id}`)).toEqual([]);
  });

  it('needs at least one field and an existing asset', async () => {
    env = await makeTestDeps();
    const [a] = await seedAssets(env.deps, [{ title: 'T' }]);
    await expect(
      invokeTool(updateAssetMetadata, { assetId: a!.id }, env.deps, approved),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/at least one of/),
    });
    await expect(
      invokeTool(updateAssetMetadata, { assetId: 'missing0000', title: 'x' }, env.deps, approved),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
