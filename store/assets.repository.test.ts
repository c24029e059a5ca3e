import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import type { NewAsset } from './models.ts';

let env: TestEnv;
beforeEach(async () => {
  env = await makeTestDeps();
});
afterEach(() => env.cleanup());

const asset = (n: number, extra: Partial<NewAsset> = {}): NewAsset => ({
  contentHash: `hash-${n}`,
  originalName: `a${n}.jpg`,
  mime: 'image/jpeg',
  width: 100 + n,
  height: 100,
  bytes: 1000,
  blobKey: 'b'.repeat(64),
  title: `Asset ${n}`,
  description: '',
  keywords: [],
  palette: [],
  ...extra,
});

describe('AssetsRepository', () => {
  it('refuses a second asset with the same content hash as a conflict', async () => {
    const { assets } = env.deps;
    await assets.create(asset(1));
    await expect(assets.create(asset(1, { originalName: 'other.jpg' }))).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await assets.count()).toBe(1);
  });

  it('pages newest first with a stable cursor and filters by campaign and channel', async () => {
    const { assets, catalog } = env.deps;
    await catalog.upsertCampaign({
      id: 'spring',
      slug: 'spring',
      name: 'Spring Launch',
      status: 'active',
    });
    for (let i = 0; i < 7; i++) {
      await assets.create(
        asset(i, {
          channel: i % 2 ? 'instagram-feed' : 'display-mrec',
          campaigns: i < 3 ? ['spring'] : [],
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await assets.list({}, { limit: 3, cursor });
      seen.push(...page.items.map((a) => a.title));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe('Asset 6');
    const spring = await assets.list({ campaign: ['spring'] }, { limit: 10 });
    expect(spring.items.map((a) => a.title).sort()).toEqual(['Asset 0', 'Asset 1', 'Asset 2']);
    expect(await assets.count({ channel: ['instagram-feed'] })).toBe(3);
    await expect(assets.list({}, { limit: 3, cursor: 'garbage' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('pages a filtered list completely when the matches are not the newest assets', async () => {
    const { assets, catalog } = env.deps;
    await catalog.upsertCampaign({
      id: 'spring',
      slug: 'spring',
      name: 'Spring',
      status: 'active',
    });
    // Matching assets first (oldest), then newer ones that do not match: a limit applied before the
    // filter would return nothing.
    for (let i = 0; i < 5; i++) {
      await assets.create(asset(i, { channel: 'instagram-story', campaigns: ['spring'] }));
    }
    for (let i = 5; i < 15; i++) await assets.create(asset(i, { channel: 'web-hero' }));
    const filter = { channel: ['instagram-story'], campaign: ['spring'] };
    const first = await assets.list(filter, { limit: 2 });
    expect(first.items.map((a) => a.title)).toEqual(['Asset 4', 'Asset 3']);
    const second = await assets.list(filter, { limit: 2, cursor: first.next! });
    const third = await assets.list(filter, { limit: 2, cursor: second.next! });
    expect([...second.items, ...third.items].map((a) => a.title)).toEqual([
      'Asset 2',
      'Asset 1',
      'Asset 0',
    ]);
    expect(third.next).toBeNull();
  });

  it('updates metadata and status, and reports a missing asset as not found', async () => {
    const { assets } = env.deps;
    const a = await assets.create(asset(1));
    const b = await assets.update(a.id, { status: 'approved', keywords: ['spring'] });
    expect(b).toMatchObject({ status: 'approved', keywords: ['spring'], title: 'Asset 1' });
    await expect(assets.update('nosuchasset1', { title: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await assets.byId('nosuchasset1')).toBeNull();
  });
});
