import { describe, expect, it } from 'vitest';
import type { Campaign, Channel } from '../store/models.ts';
import { NameResolver } from './resolve.ts';

const campaigns: Campaign[] = [
  { id: 'spring-launch', slug: 'spring-launch', name: 'Spring Launch', status: 'active' },
  { id: 'summer-sale', slug: 'summer-sale', name: 'Summer Sale', status: 'active' },
  { id: 'holiday-gifting', slug: 'holiday-gifting', name: 'Holiday Gifting', status: 'active' },
];
const channel = (slug: string, name: string, network: string): Channel => ({
  id: slug,
  slug,
  name,
  network,
  width: 1080,
  height: 1080,
});
const channels = [
  channel('instagram-feed', 'Instagram feed', 'meta'),
  channel('instagram-story', 'Instagram story', 'meta'),
  channel('facebook-link', 'Facebook link ad', 'meta'),
  channel('display-mrec', 'Display MREC', 'programmatic'),
  channel('web-hero', 'Website hero', 'owned'),
];
const names = new NameResolver({
  catalog: { campaigns: async () => campaigns, channels: async () => channels },
  locales: async () => ['de-DE', 'fr-FR', 'ja-JP'],
  markets: async () => ['DE', 'FR', 'JP', 'US'],
});
const slugs = async (ref: string) => (await names.channels(ref)).values.map((c) => c.slug);

describe('names people use', () => {
  it('finds a campaign by id, slug, name, a distinctive word, a prefix or a common form', async () => {
    for (const ref of [
      'holiday-gifting',
      'Holiday Gifting',
      'holiday',
      'the holiday campaign',
      'hol',
    ]) {
      expect(
        (await names.campaigns(ref)).values.map((c) => c.slug),
        ref,
      ).toEqual(['holiday-gifting']);
    }
    expect((await names.campaigns('the spring campaign')).label).toBe('campaign Spring Launch');
  });

  it('lists the campaigns when none matches', async () => {
    await expect(names.campaigns('black friday')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(
        /campaigns: Spring Launch \(spring-launch\), Summer Sale \(summer-sale\) and Holiday Gifting/,
      ),
    });
  });

  it('reads a word that names a group as all of it, and only clear words as a channel', async () => {
    expect(await slugs('Instagram')).toEqual(['instagram-feed', 'instagram-story']);
    expect((await names.channels('instagram')).label).toMatch(/^all 2 channels matching/);
    expect(await slugs('Instagram stories')).toEqual(['instagram-story']);
    expect(await slugs('IG story')).toEqual(['instagram-story']);
    for (const ref of ['web hero', 'website hero', 'homepage', 'web-hero']) {
      expect(await slugs(ref), ref).toEqual(['web-hero']);
    }
    expect(await slugs('meta')).toEqual(['instagram-feed', 'instagram-story', 'facebook-link']);
    await expect(names.channels('hero')).rejects.toMatchObject({ code: 'not_found' });
    await expect(names.channels('instagram-hero')).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/channels: Instagram feed \(instagram-feed\)/),
    });
  });

  it('reads locales and markets as tags, languages, countries and codes', async () => {
    const locales = async (ref: string) => (await names.locales(ref)).values;
    expect(await locales('German')).toEqual(['de-DE']);
    expect(await locales('de')).toEqual(['de-DE']);
    expect(await locales('Japan')).toEqual(['ja-JP']);
    expect(await locales('fr_fr')).toEqual(['fr-FR']);
    await expect(names.locales('klingon')).rejects.toMatchObject({
      message: expect.stringMatching(/locales in the library: de-DE, fr-FR and ja-JP/),
    });
    const markets = async (ref: string) => (await names.markets(ref)).values;
    expect(await markets('DE')).toEqual(['DE']);
    expect(await markets('Germany')).toEqual(['DE']);
    expect(await markets('German')).toEqual(['DE']);
    expect(await markets('ja-JP')).toEqual(['JP']);
  });

  it('answers from its cached names without waiting, and still sees new ones', async () => {
    let clock = 0;
    let gen = 0;
    let reads = 0;
    let release = () => {};
    const live = [campaigns[0]!];
    const r = new NameResolver(
      {
        catalog: {
          campaigns: async () => {
            reads++;
            if (reads === 2) await new Promise<void>((done) => (release = done));
            return [...live];
          },
          channels: async () => channels,
          generation: () => gen,
        },
        locales: async () => [],
      },
      () => clock,
    );
    expect((await r.campaigns('spring')).values).toHaveLength(1);
    // Stale: the cached copy answers at once while a re-read, held here, runs in the background.
    clock = 5_000;
    expect((await r.campaigns('spring')).label).toBe('campaign Spring Launch');
    expect(reads).toBe(2);
    release();
    // Another process made a campaign: a name that fits nothing is looked up again before "none".
    live.push(campaigns[1]!);
    expect((await r.campaigns('summer')).label).toBe('campaign Summer Sale');
    // A write in this process: the next lookup waits for a fresh read.
    live.push(campaigns[2]!);
    gen++;
    const before = reads;
    expect((await r.campaigns('spring')).label).toBe('campaign Spring Launch');
    expect(reads).toBe(before + 1);
    expect((await r.campaigns('holiday')).label).toBe('campaign Holiday Gifting');
    expect(reads).toBe(before + 1);
  });
});
