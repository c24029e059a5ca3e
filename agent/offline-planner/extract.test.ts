import { describe, expect, it } from 'vitest';
import {
  type ChannelRef,
  extractAssetIds,
  extractCampaign,
  extractChannel,
  extractColours,
  extractLocale,
  matchKnownCampaign,
} from '../../assets/words.ts';
import { catalog } from '../../tools/index.ts';
import { keyValues } from './args.ts';
import { extract } from './entities.ts';
import {
  type DateRange,
  extractAnaphora,
  extractCount,
  extractDateRange,
  extractQuoted,
} from './extract.ts';
import { fillInput, type Message } from './fill.ts';
import { toolInfo } from './planner.ts';

/** Every reader over one message, the way the extractors call them (test support). */
interface Entities {
  text: string;
  lower: string;
  quoted: string[];
  assetIds: string[];
  count?: number;
  /** "the newest asset", "the latest one": a single item was asked for. */
  singular: boolean;
  campaign?: string;
  channel?: ChannelRef;
  colours: string[];
  locale?: string;
  dateRange?: DateRange;
  /** "these", "them", "it": the message points back at earlier results. */
  anaphora?: 'one' | 'all';
  /** "the first one", "the 2nd": an index into earlier results (0-based). */
  ordinal?: number;
}

function extractEntities(
  text: string,
  opts: {
    now: Date;
    knownIds?: ReadonlySet<string>;
    knownCampaigns?: readonly { name: string; slug: string }[];
  },
): Entities {
  const lower = text.toLowerCase();
  const quoted = extractQuoted(text);
  const named = opts.knownCampaigns?.length
    ? matchKnownCampaign(lower, opts.knownCampaigns)
    : undefined;
  const campaign = extractCampaign(text) ?? named?.slug;
  const { count, singular } = extractCount(lower);
  const mention = named && campaign === named.slug ? named.mention : campaign?.toLowerCase();
  const lowerNoCampaign = mention ? lower.replace(mention, ' ') : lower;
  return {
    text,
    lower,
    quoted,
    assetIds: extractAssetIds(text, opts.knownIds),
    count,
    singular,
    campaign,
    channel: extractChannel(lowerNoCampaign),
    colours: extractColours(lowerNoCampaign),
    locale: extractLocale(mention ? lower.replace(mention, ' ') : text),
    dateRange: extractDateRange(lower, opts.now),
    ...extractAnaphora(lower),
  };
}

const now = new Date('2025-06-18T12:00:00Z'); // a Wednesday
const e = (text: string) => extractEntities(text, { now });
const listAssets = toolInfo(catalog.find((t) => t.name === 'list-assets')!);
const msg = (text: string): Message => {
  const lower = text.toLowerCase();
  const x = extract({ text, lower, now, knownIds: new Set(), knownCampaigns: [], lastIds: [] });
  return { text, lower, x };
};

describe('entity extraction', () => {
  it('reads campaign names however people write them', () => {
    expect(e('assets in the Spring Launch campaign').campaign).toBe('Spring Launch');
    expect(e("the summer sale campaign's stories").campaign).toBe('summer sale');
    expect(e('campaign "Black Friday 2025" please').campaign).toBe('Black Friday 2025');
    expect(e('list-assets campaign=holiday-gifting').campaign).toBe('holiday-gifting');
    expect(e('what is approved in Holiday Gifting?').campaign).toBe('Holiday Gifting');
    expect(e('Which Summer Sale assets are approved?').campaign).toBe('Summer Sale');
    expect(e('what is the weather in Paris?').campaign).toBeUndefined();
    expect(e('show me Instagram Story assets').campaign).toBeUndefined();
  });

  it('reads channels as a slug when network and format are both said, else as a partial filter', () => {
    expect(e('top IG stories').channel).toEqual({
      slug: 'instagram-story',
      network: 'instagram',
      format: 'story',
    });
    expect(e('channel display-leaderboard').channel?.slug).toBe('display-leaderboard');
    expect(e('anything for TikTok?').channel).toEqual({ network: 'tiktok', format: undefined });
    expect(e('the hero image').channel).toBeUndefined();
  });

  it('reads counts from "top 5", "three newest", "limit=…" and singular phrasing, not from dates or sizes', () => {
    expect(e('top 5 banners').count).toBe(5);
    expect(e('show me three recent assets').count).toBe(3);
    expect(e('the 10 newest images').count).toBe(10);
    expect(e('the newest asset in Summer Sale')).toMatchObject({ count: 1, singular: true });
    expect(e('assets from the last 30 days').count).toBeUndefined();
    expect(e('1080 wide assets').count).toBeUndefined();
  });

  it('finds asset ids, with or without the asset: prefix, and leaves plain words alone', () => {
    expect(e('compare asset:k3j2m9x4p1q8abcd with zz7yxwvu2tsrqpon').assetIds).toEqual([
      'k3j2m9x4p1q8abcd',
      'zz7yxwvu2tsrqpon',
    ]);
    expect(e('responsibilities of the team').assetIds).toEqual([]);
  });

  it('reads colours, but not from inside a campaign name', () => {
    expect(e('red or navy assets').colours).toEqual(['red', 'navy']);
    expect(e('gray ones').colours).toEqual(['grey']);
    expect(e('the Black Friday campaign').colours).toEqual([]);
  });

  it('reads locales from codes and language names', () => {
    expect(e('assets for de_de').locale).toBe('de-DE');
    expect(e('the French cuts').locale).toBe('fr-FR');
    expect(e('go-to assets').locale).toBeUndefined();
  });

  it('turns date phrases into inclusive ISO ranges relative to today', () => {
    expect(e('uploaded in the last 7 days').dateRange).toEqual({
      from: '2025-06-12',
      to: '2025-06-18',
      label: 'last 7 days',
    });
    expect(e('from last week').dateRange).toEqual({
      from: '2025-06-09',
      to: '2025-06-15',
      label: 'last week',
    });
    expect(e('made in March').dateRange).toEqual({
      from: '2025-03-01',
      to: '2025-03-31',
      label: 'March 2025',
    });
    expect(e('made in November').dateRange?.from).toBe('2024-11-01');
    expect(e('between 2025-01-01 and 2025-02-15').dateRange).toMatchObject({
      from: '2025-01-01',
      to: '2025-02-15',
    });
    expect(e('Q2 2025').dateRange).toMatchObject({ from: '2025-04-01', to: '2025-06-30' });
  });

  it('notices references back to earlier results', () => {
    expect(e('archive these')).toMatchObject({ anaphora: 'all' });
    expect(e('tell me more about the second one')).toMatchObject({ anaphora: 'one', ordinal: 1 });
    expect(e('approve it')).toMatchObject({ anaphora: 'one' });
  });
});

describe('schema-driven arguments', () => {
  it('fills list-assets from words: enums by synonym, counts clamped to the schema', () => {
    const { input } = fillInput(
      listAssets.schema,
      undefined,
      msg('top 500 vertical localised assets still waiting for review in the Summer Sale campaign'),
    );
    expect(input).toEqual({
      campaign: 'Summer Sale',
      status: 'needs_review',
      orientation: 'portrait',
      kind: 'localized',
      limit: 100,
    });
  });

  it('takes key=value pairs as given, coerced to the schema, and ignores keys it does not have', () => {
    expect([...keyValues('list-assets kind=variant limit=3 note: "x" title="A b"')]).toEqual([
      ['kind', 'variant'],
      ['limit', '3'],
      ['note', 'x'],
      ['title', 'A b'],
    ]);
    const { input } = fillInput(
      listAssets.schema,
      undefined,
      msg('list-assets kind=variant limit=3 mood=calm'),
    );
    expect(input).toEqual({ kind: 'variant', limit: 3 });
  });
});

describe('known campaigns from the library context', () => {
  const known = [
    { name: 'Summer Sale', slug: 'summer-sale' },
    { name: 'Summer Sale Outlet', slug: 'summer-outlet' },
    { name: 'Spring Launch', slug: 'spring-launch' },
  ];
  it('recognises a campaign named without the word "campaign", longest name first', () => {
    expect(
      extractEntities('show stories from the spring launch', { now, knownCampaigns: known })
        .campaign,
    ).toBe('spring-launch');
    expect(
      extractEntities('archive the summer sale outlet banners', { now, knownCampaigns: known })
        .campaign,
    ).toBe('summer-outlet');
    expect(
      extractEntities('what is in summer-sale?', { now, knownCampaigns: known }).campaign,
    ).toBe('summer-sale');
  });
  it('does not match inside other words or without a mention', () => {
    expect(
      extractEntities('show the newest masters', { now, knownCampaigns: known }).campaign,
    ).toBeUndefined();
    expect(
      extractEntities('show the summer salesforce export', { now, knownCampaigns: known }).campaign,
    ).toBeUndefined();
  });
});
