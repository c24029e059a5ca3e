// Property-style check of the listing: thousands of generated assets, random filter combinations,
// every page walked, compared with an in-memory oracle written here from the generated attributes
// (its colour distance is its own CIEDE2000, not the production code's).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { createRng } from '../core/random.ts';
import { rid } from './ids.ts';
import { type ListFilter, ListingIndex } from './listing-index.ts';
import type { AssetKind, AssetStatus, Orientation } from './models.ts';

const N = 2500;
const CAMPAIGNS = ['c-spring', 'c-summer', 'c-holiday', 'c-winter'];
const CHANNELS = ['instagram-feed', 'instagram-story', 'web-hero', 'display-mrec', 'facebook-link'];
const STATUSES: AssetStatus[] = ['draft', 'needs_review', 'approved', 'archived'];
const KINDS: AssetKind[] = ['master', 'rendition', 'localized', 'variant'];
const ORIENTATIONS: Orientation[] = ['landscape', 'portrait', 'square'];
const LOCALES = ['de-DE', 'fr-FR', 'ja-JP', 'en-US'];

interface Gen {
  id?: string;
  order: number;
  campaigns: string[];
  channel?: string;
  status: AssetStatus;
  kind: AssetKind;
  orientation: Orientation;
  locale?: string;
  palette: { lab: [number, number, number]; coverage: number }[];
  warmth: number;
}

/** CIEDE2000, written out again for the oracle from Sharma, Wu & Dalal (2005). */
function ciede2000(p: number[], q: number[]): number {
  const rad = Math.PI / 180;
  const [L1, a1, b1] = p as [number, number, number];
  const [L2, a2, b2] = q as [number, number, number];
  const Cab = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cab ** 7 / (Cab ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const h = (b: number, a: number) => {
    if (a === 0 && b === 0) return 0;
    const d = Math.atan2(b, a) / rad;
    return d < 0 ? d + 360 : d;
  };
  const h1p = h(b1, a1p);
  const h2p = h(b2, a2p);
  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp * rad) / 2);
  const Lbp = (L1 + L2) / 2;
  const Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hbp = (h1p + h2p) / 2;
    else hbp = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos((hbp - 30) * rad) +
    0.24 * Math.cos(2 * hbp * rad) +
    0.32 * Math.cos((3 * hbp + 6) * rad) -
    0.2 * Math.cos((4 * hbp - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const RC = 2 * Math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7));
  const SL = 1 + (0.015 * (Lbp - 50) ** 2) / Math.sqrt(20 + (Lbp - 50) ** 2);
  const SC = 1 + 0.045 * Cbp;
  const SH = 1 + 0.015 * Cbp * T;
  const RT = -Math.sin(2 * dTheta * rad) * RC;
  return Math.sqrt(
    (dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2 + RT * (dCp / SC) * (dHp / SH),
  );
}

function oracle(all: Gen[], f: ListFilter): string[] {
  return all
    .filter(
      (g) =>
        (!f.campaign || g.campaigns.some((c) => f.campaign!.includes(c))) &&
        (!f.channel || (g.channel !== undefined && f.channel.includes(g.channel))) &&
        (!f.status || f.status.includes(g.status)) &&
        (!f.kind || f.kind.includes(g.kind)) &&
        (!f.orientation || f.orientation.includes(g.orientation)) &&
        (!f.locale || (g.locale !== undefined && f.locale.includes(g.locale))) &&
        (!f.warmth ||
          (f.warmth === 'warm'
            ? g.warmth > 0.05
            : f.warmth === 'cool'
              ? g.warmth < -0.05
              : Math.abs(g.warmth) <= 0.05)) &&
        (!f.colour ||
          g.palette.some(
            (p) =>
              p.coverage >= f.colour!.minCoverage &&
              ciede2000(f.colour!.lab, p.lab) <= f.colour!.maxDeltaE,
          )),
    )
    .sort((a, b) => b.order - a.order)
    .map((g) => g.id!);
}

const STORES = ['mem', 'surrealkv'] as const;

describe.each(STORES)('listing on %s matches an in-memory oracle', (store) => {
  let deps: Deps;
  let dir: string;
  const gens: Gen[] = [];
  const rng = createRng(store === 'mem' ? 11 : 12);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'curator-listing-'));
    const config = testConfig(dir, {
      SURREAL_URL: store === 'mem' ? 'mem://' : `surrealkv://${path.join(dir, 'db')}`,
    });
    deps = await createDeps(config);
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < N; i++) {
      const campaigns =
        rng() < 0.15 ? [] : rng() < 0.2 ? [pick(CAMPAIGNS), pick(CAMPAIGNS)] : [pick(CAMPAIGNS)];
      gens.push({
        order: i,
        campaigns: [...new Set(campaigns)],
        channel: rng() < 0.2 ? undefined : pick(CHANNELS),
        status: pick(STATUSES),
        kind: pick(KINDS),
        orientation: pick(ORIENTATIONS),
        locale: rng() < 0.6 ? undefined : pick(LOCALES),
        palette: Array.from({ length: 1 + Math.floor(rng() * 5) }, () => ({
          lab: [rng() * 100, rng() * 160 - 80, rng() * 160 - 80] as [number, number, number],
          coverage: Math.round(rng() * 1000) / 2000,
        })),
        warmth: Math.round((rng() * 0.6 - 0.3) * 1000) / 1000,
      });
    }
    for (let b = 0; b < N; b += 500) {
      const batch = gens.slice(b, b + 500);
      const ids = await deps.assets.createMany(
        batch.map((g) => ({
          contentHash: `prop-${store}-${g.order}`,
          originalName: `a${g.order}.jpg`,
          mime: 'image/jpeg',
          width: g.orientation === 'portrait' ? 800 : 1200,
          height: g.orientation === 'landscape' ? 800 : 1200,
          bytes: 1000,
          blobKey: `k${g.order}`,
          title: `Asset ${g.order}`,
          description: '',
          keywords: [],
          palette: g.palette.map((p) => ({ hex: '#808080', name: 'grey', ...p })),
          composition: {
            brightness: 0.5,
            contrast: 0.2,
            colourfulness: 30,
            warmth: g.warmth,
            orientation: g.orientation,
            aspect: 1,
          },
          status: g.status,
          kind: g.kind,
          channel: g.channel,
          locale: g.locale,
          campaigns: g.campaigns,
          createdAt: new Date(t0 + g.order * 60_000),
        })),
      );
      ids.forEach((id, i) => {
        batch[i]!.id = id;
      });
    }
  }, 240_000);

  afterAll(async () => {
    await deps?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function walk(filter: ListFilter, limit: number) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let total = -1;
    do {
      const page = await deps.assets.list(filter, { limit, cursor });
      if (total === -1) total = page.total;
      expect(page.total).toBe(total);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    return { seen, total };
  }

  function randomFilter(): ListFilter {
    const f: ListFilter = {};
    const parts = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < parts; i++) {
      const k = Math.floor(rng() * 8);
      if (k === 0) f.campaign = [pick(CAMPAIGNS)];
      if (k === 1)
        f.channel = rng() < 0.3 ? ['instagram-feed', 'instagram-story'] : [pick(CHANNELS)];
      if (k === 2) f.status = [pick(STATUSES)];
      if (k === 3) f.kind = [pick(KINDS)];
      if (k === 4) f.orientation = [pick(ORIENTATIONS)];
      if (k === 5) f.locale = [pick(LOCALES)];
      if (k === 6) f.warmth = pick(['warm', 'cool', 'neutral'] as const);
      if (k === 7) {
        f.colour = {
          lab: [rng() * 100, rng() * 100 - 50, rng() * 100 - 50],
          maxDeltaE: pick([5, 10, 20]),
          minCoverage: pick([0.05, 0.2]),
        };
      }
    }
    return f;
  }

  it('every single filter, every page, same ids, order and total', async () => {
    const singles: ListFilter[] = [
      {},
      ...CAMPAIGNS.map((c) => ({ campaign: [c] })),
      ...CHANNELS.map((c) => ({ channel: [c] })),
      ...STATUSES.map((s) => ({ status: [s] })),
      ...KINDS.map((k) => ({ kind: [k] })),
      ...ORIENTATIONS.map((o) => ({ orientation: [o] })),
      ...LOCALES.map((l) => ({ locale: [l] })),
      { warmth: 'warm' },
      { warmth: 'cool' },
      { warmth: 'neutral' },
      { colour: { lab: [50, 20, 30], maxDeltaE: 10, minCoverage: 0.05 } },
    ];
    for (const f of singles) {
      const { seen, total } = await walk(f, 97);
      const want = oracle(gens, f);
      expect(seen, JSON.stringify(f)).toEqual(want);
      expect(total, JSON.stringify(f)).toBe(want.length);
      expect(await deps.assets.count(f)).toBe(want.length);
    }
  }, 120_000);

  it('random combinations, small and large pages', async () => {
    for (let i = 0; i < 60; i++) {
      const f = randomFilter();
      const { seen, total } = await walk(f, pick([7, 20, 100]));
      const want = oracle(gens, f);
      expect(seen, JSON.stringify(f)).toEqual(want);
      expect(total).toBe(want.length);
      // Membership (what searches within filters test against) agrees with the list.
      const members = await deps.assets.members(f);
      expect(members.size).toBe(want.length);
      expect(members.ids()).toEqual(want);
      const inside = new Set(want);
      for (const g of gens) expect(members.has(g.id!), g.id).toBe(inside.has(g.id!));
      expect(members.has('not-an-asset')).toBe(false);
    }
  }, 120_000);

  it('stays right after changes, after writes behind its back, and from its snapshot', async () => {
    const target = gens.filter((g) => g.status === 'draft').slice(0, 30);
    for (const g of target) {
      await deps.assets.update(g.id!, { status: 'approved' });
      g.status = 'approved';
    }
    const f: ListFilter = { status: ['approved'] };
    expect((await walk(f, 50)).seen).toEqual(oracle(gens, f));
    // Changes reach every list a filter can be answered from (posting lists, colour matches).
    const moved = gens.filter((g) => g.status === 'needs_review').slice(-40);
    for (const g of moved) {
      await deps.assets.update(g.id!, { status: 'archived', campaigns: ['c-winter'] });
      g.status = 'archived';
      g.campaigns = ['c-winter'];
    }
    for (let i = 0; i < 25; i++) {
      const rf = randomFilter();
      expect((await walk(rf, pick([9, 40]))).seen, JSON.stringify(rf)).toEqual(oracle(gens, rf));
    }
    // Another writer (a second process on a shared server) changes rows without telling the
    // index: the watermark poll before the next query picks them up.
    const behind = gens.filter((g) => g.status === 'needs_review').slice(0, 12);
    await deps.db.query("UPDATE $ids[*] SET status = 'approved'", {
      ids: behind.map((g) => rid('asset', g.id!)),
    });
    for (const g of behind) g.status = 'approved';
    // On an embedded store a timer looks for such writes once a second, off the query path.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await walk(f, 50)).seen).toEqual(oracle(gens, f));
    if (store !== 'surrealkv') return;
    // Saved on close; a new index loads the snapshot, then catches up on what came after it.
    await deps.assets.listing.close();
    const later = gens.filter((g) => g.status === 'archived').slice(0, 9);
    await deps.db.query("UPDATE $ids[*] SET status = 'approved'", {
      ids: later.map((g) => rid('asset', g.id!)),
    });
    for (const g of later) g.status = 'approved';
    const { namespace, database, url } = deps.config.surreal;
    const snapshotPath = path.join(
      deps.config.dataDir,
      'index',
      `listing-${namespace}-${database}.json`,
    );
    expect((await stat(snapshotPath)).size).toBeGreaterThan(1000);
    const reopened = new ListingIndex(deps.db, {
      snapshotPath,
      storeId: `${url}#${namespace}/${database}`,
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reopened.query(f, { limit: 40, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual(oracle(gens, f));
  }, 120_000);
});
