// The listing index: a sidecar beside the store that answers every filtered, newest-first list of
// assets with an exact total. SurrealDB holds every fact, but its planner picks plans that are
// wrong (LIMIT applied before WHERE when no index serves a filter) or slow (it sorts every match
// before LIMIT; an exact count() costs ~80 ms at 100k), so lists are served from memory instead:
// - built from the store on first use (or loaded from its snapshot file, then caught up);
// - kept current by the repository on every write it makes, and by a watermark poll before each
//   query that picks up rows written by anything else (`updated_at` is set by the database itself
//   on every write and indexed, migration 004), so nothing written after a crash is lost;
// - saved atomically (temp file, fsync, rename) a few seconds after changes and on close.
import { readFile } from 'node:fs/promises';
import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { deltaE2000, type Lab } from '../vision/color.ts';
import { type Warmth, warmthOf } from '../vision/composition.ts';
import { topColorLabels } from '../vision/palette.ts';
import { Bitset } from './bitset.ts';
import { writeFileAtomic } from './blob-store.ts';
import { opt, rid, zKey, zTime } from './ids.ts';
import { AssetKind, AssetStatus, Orientation } from './models.ts';
import { removedSince } from './tombstones.ts';

const SORT_KEY = /^\d{16}_[a-z0-9_-]+$/;

/** What a list shows of an asset: enough for a grid, nothing a model does not need. */
const ListedSchema = z.object({
  id: z.string(),
  sortKey: z.string().regex(SORT_KEY),
  /** Database time of the last write, ms since the epoch. */
  updatedAt: z.number(),
  title: z.string(),
  kind: AssetKind,
  status: AssetStatus,
  width: z.number(),
  height: z.number(),
  orientation: Orientation.optional(),
  channel: z.string().optional(),
  locale: z.string().optional(),
  campaigns: z.array(z.string()),
  /** "name #hex" of the three most covering palette colours. */
  topColors: z.array(z.string()),
  /** Palette as flat [L, a, b, coverage] quadruples. */
  palette: z.array(z.number()),
  warmth: z.number().optional(),
  /** warm, cool or neutral, from `warmth` (kept so a scan compares words, not numbers). */
  tone: z.enum(['warm', 'cool', 'neutral']).optional(),
});
export type Listed = z.infer<typeof ListedSchema>;
/** An entry as the index holds it: with its slot, its bit in every field's set (stable per id). */
type Entry = Listed & { readonly slot: number };

/** Every field is "any of" its values; an empty list matches nothing. */
export interface ListFilter {
  campaign?: readonly string[];
  channel?: readonly string[];
  status?: readonly AssetStatus[];
  orientation?: readonly Orientation[];
  kind?: readonly AssetKind[];
  locale?: readonly string[];
  ids?: readonly string[];
  /** A palette colour within `maxDeltaE` (CIEDE2000) covering at least `minCoverage` of the image. */
  colour?: { lab: Lab; maxDeltaE: number; minCoverage: number };
  warmth?: Warmth;
}

export interface Members {
  readonly size: number;
  has(id: string): boolean;
  ids(): string[];
}

export interface ListPage {
  items: Listed[];
  total: number;
  next: string | null;
}

const Row = z.object({
  id: zKey,
  sort_key: z.string(),
  updated_at: zTime,
  title: z.string().default(''),
  original_name: z.string(),
  kind: AssetKind,
  status: AssetStatus,
  width: z.number(),
  height: z.number(),
  composition: opt(z.object({ orientation: Orientation, warmth: z.number() }).loose()),
  channel: opt(z.string()),
  locale: opt(z.string()),
  campaigns: z.array(zKey).default([]),
  palette: z
    .array(
      z.object({
        hex: z.string(),
        name: z.string(),
        coverage: z.number(),
        lab: z.tuple([z.number(), z.number(), z.number()]),
      }),
    )
    .default([]),
});

const Probe = z.object({ id: zKey, updated_at: zTime });

/** The projection the index reads; `LISTING_FIELDS` must name every column `Row` parses. */
export const LISTING_FIELDS =
  'id, sort_key, updated_at, title, original_name, kind, status, width, height, composition, channel, locale, campaigns, palette';

function toListed(r: z.infer<typeof Row>): Listed {
  const palette: number[] = [];
  for (const c of r.palette) palette.push(c.lab[0], c.lab[1], c.lab[2], c.coverage);
  return {
    id: r.id,
    sortKey: r.sort_key,
    updatedAt: Date.parse(r.updated_at),
    title: r.title || r.original_name,
    kind: r.kind,
    status: r.status,
    width: r.width,
    height: r.height,
    orientation: r.composition?.orientation,
    channel: r.channel,
    locale: r.locale,
    campaigns: r.campaigns,
    topColors: topColorLabels(r.palette),
    palette,
    warmth: r.composition?.warmth,
    tone: r.composition ? warmthOf(r.composition.warmth) : undefined,
  };
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
/** The cursor of the page that starts after this entry. */
export const cursorAfter = (e: Pick<Listed, 'sortKey'>) => encodeCursor(e.sortKey);
function decodeCursor(s: string): string {
  const key = Buffer.from(s, 'base64url').toString();
  if (!SORT_KEY.test(key)) {
    throw new AppError(
      'invalid_input',
      'invalid cursor: pass back the `next` value of the previous page',
    );
  }
  return key;
}

/** How far before the previous poll a catch-up looks again: transactions commit out of order. */
const OVERLAP_MS = 2_000;
const SNAPSHOT_VERSION = 1;
const SAVE_DELAY_MS = 5_000;
/** Colour queries whose matches are kept (and kept current) between pages. */
const COLOUR_CACHE = 32;
/** Field values whose bit sets are kept (and kept current) once a query has used them. */
const BITS_CACHE = 256;

const Snapshot = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  store: z.string(),
  watermark: z.number(),
  entries: z.array(z.unknown()),
});

export interface ListingIndexOptions {
  /** Where the snapshot lives; none for in-memory stores. */
  snapshotPath?: string;
  /** Names the store the snapshot belongs to (url + namespace + database). */
  storeId: string;
  /**
   * How a query learns of rows written by others. 0: every query looks first (a shared server).
   * Otherwise a timer looks this often, off the query path: an embedded store is open in this
   * process only and every write here reaches the index directly, so the look is only a safety
   * net there, and a query never waits for it (at 100k it cost a query 4-9 ms once a second).
   */
  pollMs?: number;
  log?: Logger;
}

export class ListingIndex {
  /** Newest first (ascending sort_key). */
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  /** Each id's slot: its bit in the field sets, kept when the entry is replaced. */
  private readonly slotOf = new Map<string, number>();
  private nextSlot = 0;
  /** One string per distinct status, kind, channel, locale and campaign (see setEntries). */
  private readonly words = new Map<string, string>();
  private watermark = 0;
  /** Wall-clock time of the previous catch-up; none yet means look back from the watermark. */
  private lastPoll = Number.POSITIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private loaded = false;
  /** Writes seen while loading, applied once the load is in. */
  private early: Listed[] = [];
  private dirty = false;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  /** For each field value ("status:draft", "campaign:spring"), its entries newest first. */
  private readonly postings = new Map<string, Entry[]>();
  /** The same as bit sets over slots, built when a query combines fields and kept current. */
  private readonly bits = new Map<string, Bitset>();
  private readonly colourHits = new Map<string, ColourHits>();

  constructor(
    private readonly db: Surreal,
    private readonly opts: ListingIndexOptions,
  ) {}

  /** Loads the index if it is not loaded yet; concurrent callers share one load. */
  ready(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.loading ??= this.load().catch((e) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  /**
   * Reads these assets back from the store after a write and applies them. (Read after the
   * commit, not inside it: a multi-row INSERT's RETURN carried a sort_key 1 ms off the stored one,
   * and a SELECT in the same transaction as a FOR loop of UPDATEs lost its `id`: SurrealDB 3.0.3.)
   */
  async reread(ids: readonly string[]): Promise<void> {
    if (!ids.length || (!this.loaded && !this.loading)) return;
    this.apply(await this.read(ids.map((i) => rid('asset', i))));
  }

  /** Takes rows the repository just wrote (any shape with the listing columns). */
  apply(rows: readonly unknown[]): void {
    const parsed = rows.map((r) => this.listed(r));
    if (!this.loaded) {
      if (this.loading) this.early.push(...parsed);
      return;
    }
    for (const e of parsed) this.upsert(e);
    if (parsed.length) this.changed();
  }

  /** One filtered page, newest first, with the exact number of matches. */
  async query(filter: ListFilter, page: { limit: number; cursor?: string }): Promise<ListPage> {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    await this.fresh();
    const plan = this.plan(filter);
    const items = walk(plan.driver, after, plan.hits, page.limit + 1);
    const more = items.length > page.limit;
    if (more) items.length = page.limit;
    const last = items[items.length - 1];
    return { items, total: plan.total(), next: more && last ? encodeCursor(last.sortKey) : null };
  }

  /** Every match, newest first (for bulk changes by description, which must cover all of them). */
  async all(filter: ListFilter): Promise<Listed[]> {
    await this.fresh();
    const plan = this.plan(filter);
    return walk(plan.driver, undefined, plan.hits, Number.POSITIVE_INFINITY);
  }

  /** The distinct locales that assets carry (one per locale posting list, as first written). */
  async locales(): Promise<string[]> {
    // No poll: the list query that follows a name lookup polls anyway.
    await this.ready();
    const out: string[] = [];
    for (const [key, list] of this.postings) {
      if (key.startsWith('locale:') && list[0]?.locale) out.push(list[0].locale);
    }
    return out.sort();
  }

  /**
   * Membership of a filter without listing it: `has` is a bit test, `size` the exact total, and
   * `ids()` lists the members newest first only when asked (a search that filters 100k assets by
   * status tests each candidate instead of building a set of 33k ids).
   */
  async members(filter: ListFilter): Promise<Members> {
    await this.fresh();
    const plan = this.plan(filter);
    const bits = plan.bits();
    const total = plan.total();
    return {
      size: total,
      has: (id) => {
        if (!bits) return this.byId.has(id);
        const slot = this.slotOf.get(id);
        return slot !== undefined && this.byId.has(id) && bits.has(slot);
      },
      ids: () => walk(plan.driver, undefined, plan.hits, Number.POSITIVE_INFINITY).map((e) => e.id),
    };
  }

  async count(filter: ListFilter = {}): Promise<number> {
    await this.fresh();
    return this.plan(filter).total();
  }

  /** Saves a last snapshot and stops the save timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.saving;
    if (this.dirty && this.loaded) await this.save();
  }

  // ——— loading and catching up ———

  private async load(): Promise<void> {
    const started = Date.now();
    const fromSnapshot = await this.readSnapshot();
    if (fromSnapshot) {
      await this.catchUp();
      // Rows removed behind the index's back (assets are archived, never deleted, but a store can
      // be restored from a backup) show as a count mismatch: rebuild then.
      const [rows] = await this.db.query<[{ n: number }[]]>(
        'SELECT count() AS n FROM asset GROUP ALL',
      );
      if ((rows?.[0]?.n ?? 0) !== this.entries.length) {
        this.opts.log?.warn(
          { indexed: this.entries.length, stored: rows?.[0]?.n ?? 0 },
          'listing snapshot disagrees with the store; rebuilding',
        );
        await this.rebuild();
      }
    } else {
      await this.rebuild();
    }
    this.loaded = true;
    this.loading = null;
    for (const e of this.early) this.upsert(e);
    this.early = [];
    this.changed();
    this.opts.log?.debug(
      { assets: this.entries.length, ms: Date.now() - started, fromSnapshot },
      'listing index ready',
    );
  }

  private async rebuild(): Promise<void> {
    const [rows] = await this.db.query<[unknown[]]>(`SELECT ${LISTING_FIELDS} FROM asset`);
    const list = (rows ?? []).map((r) => toListed(Row.parse(r)));
    list.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    this.setEntries(list);
    this.watermark = 0;
    for (const e of this.entries) {
      this.byId.set(e.id, e);
      if (e.updatedAt > this.watermark) this.watermark = e.updatedAt;
    }
  }

  /**
   * Applies rows written by anyone else since the last look. Transactions commit out of order, so
   * it looks back to a little before the previous poll (a transaction that commits later computed
   * its `updated_at` after that, unless it ran for more than OVERLAP_MS). A cheap probe of ids and
   * times comes first; only rows newer than the index are read whole.
   */
  private async catchUp(): Promise<number> {
    const polledAt = Date.now();
    const from =
      this.lastPoll === Number.POSITIVE_INFINITY
        ? this.watermark - OVERLAP_MS
        : Math.min(this.watermark, this.lastPoll - OVERLAP_MS);
    const since = new Date(Math.max(0, from));
    const [probe] = await this.db.query<[unknown[]]>(
      'SELECT id, updated_at FROM asset WHERE updated_at >= $since',
      { since },
    );
    this.lastPoll = polledAt;
    // Deleted by anyone since then: their tombstones say so.
    let n = this.drop(await removedSince(this.db, since));
    const stale: unknown[] = [];
    for (const p of Probe.array().parse(probe ?? [])) {
      const known = this.byId.get(p.id);
      if (!known || Date.parse(p.updated_at) > known.updatedAt) stale.push(rid('asset', p.id));
    }
    if (!stale.length) return n;
    for (const r of await this.read(stale)) if (this.upsert(this.listed(r))) n++;
    return n;
  }

  private async read(ids: readonly unknown[]): Promise<unknown[]> {
    const [rows] = await this.db.query<[unknown[]]>(`SELECT ${LISTING_FIELDS} FROM $ids[*]`, {
      ids,
    });
    return rows ?? [];
  }

  private async fresh(): Promise<void> {
    await this.ready();
    const every = this.opts.pollMs ?? 0;
    if (every > 0) {
      this.pollTimer ??= setInterval(() => void this.pollOnce(), every).unref();
      return;
    }
    if (await this.catchUp()) this.changed();
  }

  private async pollOnce(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      if (await this.catchUp()) this.changed();
    } catch (err) {
      this.opts.log?.warn({ err }, 'listing index could not look for new rows; trying again');
    } finally {
      this.polling = false;
    }
  }

  private listed(row: unknown): Entry {
    return this.compact(toListed(Row.parse(row)));
  }

  /**
   * Scans touch every entry, so at 100k their layout decides the speed (measured 2-10× slower
   * without this): entries are laid out in memory in scan order (copied after sorting) and their
   * few distinct words are one shared string each, whose hash is computed once.
   */
  private setEntries(sorted: readonly Listed[]): void {
    this.slotOf.clear();
    this.nextSlot = 0;
    this.entries = sorted.map((e) => this.compact(e));
    this.byId.clear();
    this.postings.clear();
    this.bits.clear();
    this.colourHits.clear();
    for (const e of this.entries) {
      this.byId.set(e.id, e);
      for (const k of postingKeys(e)) {
        const list = this.postings.get(k);
        if (list) list.push(e);
        else this.postings.set(k, [e]);
      }
    }
  }

  private compact(e: Listed): Entry {
    const w = (v: string | undefined) => (v === undefined ? undefined : this.word(v));
    let slot = this.slotOf.get(e.id);
    if (slot === undefined) {
      slot = this.nextSlot++;
      this.slotOf.set(e.id, slot);
    }
    return {
      slot,
      id: e.id,
      sortKey: e.sortKey,
      updatedAt: e.updatedAt,
      title: e.title,
      kind: this.word(e.kind),
      status: this.word(e.status),
      width: e.width,
      height: e.height,
      orientation: w(e.orientation) as Listed['orientation'],
      channel: w(e.channel),
      locale: w(e.locale),
      campaigns: e.campaigns.map((c) => this.word(c)),
      topColors: e.topColors,
      palette: e.palette,
      warmth: e.warmth,
      tone: e.warmth === undefined ? undefined : this.word(warmthOf(e.warmth)),
    };
  }

  private word<T extends string>(v: T): T {
    const known = this.words.get(v);
    if (known !== undefined) return known as T;
    this.words.set(v, v);
    return v;
  }

  /** Inserts or replaces by id, keeping newest-first order; false when nothing was newer. */
  private upsert(incoming: Listed): boolean {
    if (incoming.updatedAt > this.watermark) this.watermark = incoming.updatedAt;
    const old = this.byId.get(incoming.id);
    if (old && (old.updatedAt > incoming.updatedAt || sameListing(old, incoming))) return false;
    const e = this.compact(incoming);
    // Every sorted list and bit set the asset is in (all entries, its field values, colour
    // matches) changes alike. The slot stays: a replaced entry keeps its bit.
    if (old) this.unlink(old);
    insert(this.entries, e);
    for (const k of postingKeys(e)) {
      const list = this.postings.get(k);
      if (list) insert(list, e);
      else this.postings.set(k, [e]);
      this.bits.get(k)?.add(e.slot);
    }
    for (const c of this.colourHits.values()) {
      if (paletteMatches(e.palette, c.query)) {
        c.bits.add(e.slot);
        insert(c.list, e);
      }
    }
    this.byId.set(e.id, e);
    return true;
  }

  /** Takes an entry out of every sorted list and bit set it is in. */
  private unlink(old: Entry): void {
    remove(this.entries, old);
    for (const k of postingKeys(old)) {
      const list = this.postings.get(k)!;
      remove(list, old);
      if (!list.length) this.postings.delete(k);
      this.bits.get(k)?.delete(old.slot);
    }
    for (const c of this.colourHits.values()) {
      if (c.bits.has(old.slot)) {
        c.bits.delete(old.slot);
        remove(c.list, old);
      }
    }
  }

  /** Drops deleted assets (the repository calls this after it deletes them). */
  remove(ids: readonly string[]): void {
    if (this.loaded && this.drop(ids)) this.changed();
  }

  private drop(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const old = this.byId.get(id);
      if (!old) continue;
      this.unlink(old);
      this.byId.delete(id);
      n++;
    }
    return n;
  }

  /**
   * How to answer a filter. Each field asked for is a set of entries: the posting lists of its
   * values (a group such as "Instagram" is several), the colour matches, or the ids asked for. One
   * field alone is its own answer: its lists are the page, their length the total. Several are
   * intersected as bit sets (the exact total is a popcount), and the page walks the smallest
   * field's lists newest first, keeping the entries in the intersection: no entry outside the
   * page is touched.
   */
  private plan(f: ListFilter): {
    driver: Entry[][];
    hits: Bitset | null;
    total: () => number;
    /** Every match as a bit set; null when the filter is empty (everything matches). */
    bits: () => Bitset | null;
  } {
    const fields: { size: number; lists: Entry[][]; bits: () => Bitset }[] = [];
    const field = (name: string, values: readonly string[] | undefined) => {
      if (!values) return;
      const keys = [...new Set(values)].map((v) => `${name}:${v}`);
      const lists = keys.map((k) => this.postings.get(k) ?? []);
      fields.push({
        size: lists.reduce((n, l) => n + l.length, 0),
        lists,
        bits: () => {
          const sets = keys.map((k) => this.bitsOf(k));
          return sets.length === 1 ? sets[0]! : Bitset.union(sets);
        },
      });
    };
    field('status', f.status);
    field('kind', f.kind);
    field('orientation', f.orientation);
    field('channel', f.channel);
    field(
      'locale',
      f.locale?.map((l) => l.toLowerCase()),
    );
    field('campaign', f.campaign);
    if (f.warmth) field('tone', [f.warmth]);
    if (f.ids) {
      const list = [...new Set(f.ids)].flatMap((id) => this.byId.get(id) ?? []);
      list.sort(bySortKey);
      fields.push({
        size: list.length,
        lists: [list],
        bits: () => this.setOf(list),
      });
    }
    if (f.colour) {
      const hits = this.colourMatches(f.colour);
      fields.push({ size: hits.list.length, lists: [hits.list], bits: () => hits.bits });
    }
    if (!fields.length) {
      return {
        driver: [this.entries],
        hits: null,
        total: () => this.entries.length,
        bits: () => null,
      };
    }
    let best = 0;
    for (let i = 1; i < fields.length; i++) if (fields[i]!.size < fields[best]!.size) best = i;
    const driver = fields[best]!.lists;
    if (fields.length === 1) {
      // One list: its length. Several (a group, several campaigns): an entry may be in two.
      const only = fields[0]!;
      if (driver.length === 1) {
        return { driver, hits: null, total: () => driver[0]!.length, bits: () => only.bits() };
      }
      const bits = only.bits();
      return { driver, hits: null, total: () => bits.size(), bits: () => bits };
    }
    const hits = Bitset.intersection(fields.map((x) => x.bits()));
    return { driver, hits, total: () => hits.size(), bits: () => hits };
  }

  /** The slots of these entries as a bit set sized for every slot given out so far. */
  private setOf(list: readonly Entry[]): Bitset {
    return Bitset.of(
      list.map((e) => e.slot),
      this.nextSlot,
    );
  }

  /** The bit set of one field value, built from its posting list on first use. */
  private bitsOf(key: string): Bitset {
    let b = this.bits.get(key);
    if (b) {
      // Most recently used last, so the oldest is the one dropped.
      this.bits.delete(key);
    } else {
      b = this.setOf(this.postings.get(key) ?? []);
      if (this.bits.size >= BITS_CACHE) this.bits.delete(this.bits.keys().next().value!);
    }
    this.bits.set(key, b);
    return b;
  }

  private changed(): void {
    this.dirty = true;
    if (!this.opts.snapshotPath || this.closed || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saving = this.save().catch((err) =>
        this.opts.log?.warn({ err }, 'could not save the listing snapshot; it is rebuilt on start'),
      );
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  // ——— colour ———

  /**
   * Colour matches are the costly check (CIEDE2000 per palette colour), so each colour query's
   * matches are computed once and then kept current on every upsert: paging through a colour
   * filter, or combining it with others, costs no colour science.
   */
  private colourMatches(c: NonNullable<ListFilter['colour']>): ColourHits {
    const key = `${c.lab.map((v) => v.toFixed(3)).join(',')}|${c.maxDeltaE}|${c.minCoverage}`;
    let cached = this.colourHits.get(key);
    if (!cached) {
      const list = this.entries.filter((e) => paletteMatches(e.palette, c));
      cached = {
        query: c,
        list,
        bits: this.setOf(list),
      };
      if (this.colourHits.size >= COLOUR_CACHE) {
        this.colourHits.delete(this.colourHits.keys().next().value!);
      }
    } else this.colourHits.delete(key);
    this.colourHits.set(key, cached);
    return cached;
  }

  // ——— snapshot ———

  private async readSnapshot(): Promise<boolean> {
    const file = this.opts.snapshotPath;
    if (!file) return false;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return false;
    }
    try {
      const snap = Snapshot.parse(JSON.parse(text));
      if (snap.store !== this.opts.storeId) return false;
      this.setEntries(snap.entries.map((e) => ListedSchema.parse(e)));
      this.watermark = snap.watermark;
      return true;
    } catch (err) {
      this.opts.log?.warn({ err, file }, 'listing snapshot unreadable; rebuilding from the store');
      return false;
    }
  }

  private async save(): Promise<void> {
    const file = this.opts.snapshotPath;
    if (!file) return;
    this.dirty = false;
    const body = JSON.stringify({
      version: SNAPSHOT_VERSION,
      store: this.opts.storeId,
      watermark: this.watermark,
      entries: this.entries,
    });
    await writeFileAtomic(file, body);
  }
}

/** Whether any palette colour covering at least `minCoverage` is within `maxDeltaE`. */
function paletteMatches(
  palette: readonly number[],
  c: { lab: Lab; maxDeltaE: number; minCoverage: number },
): boolean {
  const [l, a, b] = c.lab;
  for (let i = 0; i + 3 < palette.length; i += 4) {
    if (palette[i + 3]! < c.minCoverage) continue;
    const pl = palette[i]!;
    // CIEDE2000 is at least |ΔL| / S_L (its other terms form a non-negative quadratic), so a
    // colour too far in lightness is out without the trigonometry.
    const dl = pl - l;
    const lm50 = ((pl + l) / 2 - 50) ** 2;
    const sl = 1 + (0.015 * lm50) / Math.sqrt(20 + lm50);
    if (Math.abs(dl) / sl > c.maxDeltaE) continue;
    if (deltaE2000(l, a, b, pl, palette[i + 1]!, palette[i + 2]!) <= c.maxDeltaE) return true;
  }
  return false;
}

/** Same write read twice (the watermark overlap re-reads rows); ms timestamps alone can tie. */
function sameListing(a: Listed, b: Listed): boolean {
  return a.updatedAt === b.updatedAt && JSON.stringify(a) === JSON.stringify(b);
}

interface ColourHits {
  query: NonNullable<ListFilter['colour']>;
  /** Matches newest first. */
  list: Entry[];
  bits: Bitset;
}

/** The posting lists an entry belongs to. */
function postingKeys(e: Listed): string[] {
  const keys = [`status:${e.status}`, `kind:${e.kind}`];
  if (e.orientation) keys.push(`orientation:${e.orientation}`);
  if (e.channel) keys.push(`channel:${e.channel}`);
  if (e.locale) keys.push(`locale:${e.locale.toLowerCase()}`);
  if (e.tone) keys.push(`tone:${e.tone}`);
  for (const c of new Set(e.campaigns)) keys.push(`campaign:${c}`);
  return keys;
}

const bySortKey = (a: Entry, b: Entry) =>
  a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;

/** Index of the first entry whose sort key is not below `key` (binary search). */
function lowerBound(list: readonly Listed[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.sortKey < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry after sort key `key` (where the next page starts). */
function after_(list: readonly Listed[], key: string): number {
  const i = lowerBound(list, key);
  return i < list.length && list[i]!.sortKey === key ? i + 1 : i;
}

function insert(list: Listed[], e: Listed): void {
  list.splice(lowerBound(list, e.sortKey), 0, e);
}

function remove(list: Listed[], e: Listed): void {
  const i = lowerBound(list, e.sortKey);
  if (list[i] === e) list.splice(i, 1);
}

/**
 * Up to `limit` entries after sort key `after`, newest first, from sorted lists merged (an entry
 * in two of them, as an asset in two campaigns, counts once), keeping those in `hits` when given.
 */
function walk(
  lists: readonly Entry[][],
  after: string | undefined,
  hits: Bitset | null,
  limit: number,
): Entry[] {
  const out: Entry[] = [];
  const at = lists.map((l) => (after === undefined ? 0 : after_(l, after)));
  let prev: Entry | undefined;
  while (out.length < limit) {
    let k = -1;
    for (let i = 0; i < lists.length; i++) {
      const e = lists[i]![at[i]!];
      if (e !== undefined && (k < 0 || e.sortKey < lists[k]![at[k]!]!.sortKey)) k = i;
    }
    if (k < 0) break;
    const e = lists[k]![at[k]!++]!;
    if (e === prev) continue;
    prev = e;
    if (!hits || hits.has(e.slot)) out.push(e);
  }
  return out;
}
