import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { keyOf, newId, opt, rid, zKey, zTime } from './ids.ts';
import type { Listed, ListFilter, ListingIndex, ListPage, Members } from './listing-index.ts';
import {
  type Asset,
  AssetKind,
  AssetStatus,
  CaptionResult,
  CaptureMeta,
  ClipResult,
  Composition,
  LogoResult,
  type NewAsset,
  OcrResult,
  PaletteColor,
  PeopleResult,
  Tag,
} from './models.ts';
import { removedSince } from './tombstones.ts';

const AssetRow = z.object({
  id: zKey,
  content_hash: z.string(),
  original_name: z.string(),
  mime: z.string(),
  width: z.number(),
  height: z.number(),
  bytes: z.number(),
  blob_key: z.string(),
  thumb_key: opt(z.string()),
  title: z.string().default(''),
  description: z.string().default(''),
  keywords: z.array(z.string()).default([]),
  creator: opt(z.string()),
  copyright: opt(z.string()),
  palette: z.array(PaletteColor).default([]),
  phash: opt(z.string()),
  composition: opt(Composition),
  tags: z.array(Tag).default([]),
  capture: opt(CaptureMeta),
  ocr: opt(OcrResult),
  logo: opt(LogoResult),
  people: opt(PeopleResult),
  clip: opt(ClipResult),
  caption: opt(CaptionResult),
  status: AssetStatus,
  kind: AssetKind,
  version: z.number(),
  channel: opt(z.string()),
  locale: opt(z.string()),
  campaigns: z.array(zKey).default([]),
  source_ref: opt(z.string()),
  created_at: zTime,
  updated_at: zTime,
});

const TextRow = z.object({
  id: zKey,
  title: z.string().default(''),
  original_name: z.string().default(''),
  description: z.string().default(''),
  keywords: z.array(z.string()).default([]),
  tags: z.array(z.object({ name: z.string() }).passthrough()).default([]),
  ocr: opt(z.object({ text: z.string() }).passthrough()),
  clip: opt(
    z.object({ tags: z.array(z.object({ name: z.string() }).passthrough()) }).passthrough(),
  ),
  caption: opt(z.object({ caption: z.string(), objects: z.array(z.string()) }).passthrough()),
  people: opt(
    z
      .object({
        people: z.number(),
        faces: z.array(z.object({ expression: z.string().optional() }).passthrough()),
      })
      .passthrough(),
  ),
  updated_at: zTime,
});

/** What full-text search reads of an asset. */
export interface AssetText {
  id: string;
  title: string;
  description: string;
  keywords: string[];
  tags: string[];
  /** Text read in the image (OCR), when the step ran. */
  ocrText: string;
  /** People seen, when the people step ran. */
  people?: number;
  /** The faces' expressions (happy, neutral…). */
  expressions: string[];
  updatedAt: Date;
}

/** The file fields a new version brings; everything people wrote about the asset stays. */
export type VersionFile = Pick<
  Asset,
  'contentHash' | 'originalName' | 'mime' | 'width' | 'height' | 'bytes' | 'blobKey'
> &
  Partial<Pick<Asset, 'thumbKey' | 'palette' | 'phash' | 'composition' | 'capture' | 'tags'>>;

export interface AssetVersion {
  version: number;
  contentHash: string;
  blobKey: string;
  thumbKey?: string;
  bytes?: number;
  width?: number;
  height?: number;
  note?: string;
  by?: string;
  /** The version this one replaced. */
  supersedes?: number;
  createdAt: string;
}

const VersionRow = z.object({
  version: z.number(),
  content_hash: z.string(),
  blob_key: z.string(),
  thumb_key: opt(z.string()),
  bytes: opt(z.number()),
  width: opt(z.number()),
  height: opt(z.number()),
  note: opt(z.string()),
  by: opt(z.string()),
  supersedes: opt(z.number()),
  created_at: zTime,
});

function toAsset(r: z.infer<typeof AssetRow>): Asset {
  return {
    id: r.id,
    contentHash: r.content_hash,
    originalName: r.original_name,
    mime: r.mime,
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    blobKey: r.blob_key,
    thumbKey: r.thumb_key,
    title: r.title,
    description: r.description,
    keywords: r.keywords,
    creator: r.creator,
    copyright: r.copyright,
    palette: r.palette,
    phash: r.phash,
    composition: r.composition,
    tags: r.tags,
    capture: r.capture,
    ocr: r.ocr,
    logo: r.logo,
    people: r.people,
    clip: r.clip,
    caption: r.caption,
    status: r.status,
    kind: r.kind,
    version: r.version,
    channel: r.channel,
    locale: r.locale,
    campaigns: r.campaigns,
    sourceRef: r.source_ref,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Filters of a list: every field is "any of" its values (campaign ids, channel slugs, …). */
export type AssetFilter = ListFilter;

export type AssetPatch = Partial<
  Pick<
    Asset,
    | 'title'
    | 'description'
    | 'keywords'
    | 'status'
    | 'tags'
    | 'creator'
    | 'copyright'
    | 'channel'
    | 'locale'
    | 'campaigns'
  >
>;

const PATCH_COLUMNS: Record<keyof AssetPatch, string> = {
  title: 'title',
  description: 'description',
  keywords: 'keywords',
  status: 'status',
  tags: 'tags',
  creator: 'creator',
  copyright: 'copyright',
  channel: 'channel',
  locale: 'locale',
  campaigns: 'campaigns',
};

export class AssetsRepository {
  constructor(
    private readonly db: Surreal,
    /** Every write here is handed to the listing index, which serves `list` and `count`. */
    readonly listing: ListingIndex,
  ) {}

  async create(input: NewAsset, id = newId()): Promise<Asset> {
    const content = toColumns(input);
    try {
      // The asset and its first version land in one transaction.
      const res = await this.db.query<unknown[]>(
        `BEGIN TRANSACTION;
         CREATE ONLY $id CONTENT $content RETURN AFTER;
         CREATE asset_version CONTENT { asset: $id, version: 1, content_hash: $content.content_hash,
           blob_key: $content.blob_key, bytes: $content.bytes, width: $content.width, height: $content.height,
           created_at: time::now() } RETURN NONE;
         COMMIT TRANSACTION;`,
        { id: rid('asset', id), content: stripUndefined(content) },
      );
      this.listing.apply([res[1]]);
      return toAsset(AssetRow.parse(res[1]));
    } catch (e) {
      if (/asset_content_hash/.test((e as Error).message)) {
        throw new AppError('conflict', 'an asset with the same content already exists', 409, {
          contentHash: input.contentHash,
        });
      }
      throw e;
    }
  }

  async byId(id: string): Promise<Asset | null> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM ONLY $id', {
      id: rid('asset', id),
    });
    if (!rows || (Array.isArray(rows) && rows.length === 0)) return null;
    return toAsset(AssetRow.parse(Array.isArray(rows) ? rows[0] : rows));
  }

  async get(id: string): Promise<Asset> {
    const a = await this.byId(id);
    if (!a) throw new AppError('not_found', `no asset with id ${id}`);
    return a;
  }

  async byIds(ids: readonly string[]): Promise<Asset[]> {
    if (ids.length === 0) return [];
    // Record ids straight from the key space: `WHERE id IN $ids` scans the table (1 s at 20k).
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM $ids', {
      ids: [...new Set(ids)].map((i) => rid('asset', i)),
    });
    const byKey = new Map(
      AssetRow.array()
        .parse(rows)
        .map((r) => [r.id, toAsset(r)]),
    );
    return ids.flatMap((i) => byKey.get(i) ?? []);
  }

  async byContentHash(hash: string): Promise<Asset | null> {
    const [rows] = await this.db.query<[unknown[]]>(
      'SELECT * FROM asset WHERE content_hash = $hash LIMIT 1',
      { hash },
    );
    const r = rows?.[0];
    return r ? toAsset(AssetRow.parse(r)) : null;
  }

  /** Newest first, keyset-paginated, with the exact total: served by the listing index. */
  list(filter: AssetFilter, page: { limit: number; cursor?: string }): Promise<ListPage> {
    return this.listing.query(filter, page);
  }

  count(filter: AssetFilter = {}): Promise<number> {
    return this.listing.count(filter);
  }

  /** Membership of a filter (a bit test per id, the exact size), for searches within filters. */
  members(filter: AssetFilter): Promise<Members> {
    return this.listing.members(filter);
  }

  /** Every asset matching the filter, newest first: what a bulk change by description covers. */
  matching(filter: AssetFilter): Promise<Listed[]> {
    return this.listing.all(filter);
  }

  async update(id: string, patch: AssetPatch): Promise<Asset> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch) as [keyof AssetPatch, unknown][]) {
      if (v === undefined) continue;
      set[PATCH_COLUMNS[k]] =
        k === 'campaigns' ? (v as string[]).map((c) => rid('campaign', c)) : v;
    }
    // UPDATE on a missing record id returns nothing and creates nothing (UPSERT would create).
    const [rows] = await this.db.query<[unknown[]]>('UPDATE $id MERGE $set RETURN AFTER', {
      id: rid('asset', id),
      set,
    });
    if (!rows?.[0]) throw new AppError('not_found', `no asset with id ${id}`);
    this.listing.apply([rows[0]]);
    return toAsset(AssetRow.parse(rows[0]));
  }

  /**
   * A new file for an existing asset: the asset keeps its id (placements and edges still point at
   * it), its version goes up by one, and the new version row supersedes the old one, all in one
   * transaction. `expectVersion` refuses a change made against a version that is no longer current.
   * Enrichment tied to the old version (OCR, logo, people…) is stale from here and re-runs.
   */
  async newVersion(
    id: string,
    file: VersionFile,
    o: { expectVersion?: number; note?: string; by?: string } = {},
  ): Promise<{ asset: Asset; previous: number }> {
    const current = await this.get(id);
    if (o.expectVersion !== undefined && current.version !== o.expectVersion) {
      throw new AppError(
        'conflict',
        `asset ${id} is at version ${current.version}, not ${o.expectVersion}: someone changed it meanwhile`,
      );
    }
    const taken = await this.byContentHash(file.contentHash);
    if (taken && taken.id !== id) {
      throw new AppError(
        'conflict',
        `that file is already asset ${taken.id}: a version must be a file of its own`,
        409,
        { contentHash: file.contentHash, asset: taken.id },
      );
    }
    const v = current.version + 1;
    const set = stripUndefined({
      content_hash: file.contentHash,
      original_name: file.originalName,
      mime: file.mime,
      width: file.width,
      height: file.height,
      bytes: file.bytes,
      blob_key: file.blobKey,
      thumb_key: file.thumbKey,
      palette: file.palette,
      phash: file.phash,
      composition: file.composition,
      capture: file.capture,
      tags: file.tags,
      version: v,
    });
    try {
      const res = await this.db.query<unknown[]>(
        `BEGIN TRANSACTION;
         LET $old = (SELECT VALUE id FROM asset_version WHERE asset = $id AND version = $prev)[0];
         UPDATE $id MERGE $set WHERE version = $prev RETURN AFTER;
         LET $new = (CREATE ONLY asset_version CONTENT { asset: $id, version: $v,
           content_hash: $set.content_hash, blob_key: $set.blob_key, thumb_key: $set.thumb_key,
           original_name: $set.original_name, mime: $set.mime, bytes: $set.bytes, width: $set.width,
           height: $set.height, note: $note, by: $by, created_at: time::now() }).id;
         IF $old != NONE { RELATE $new->supersedes->$old; };
         COMMIT TRANSACTION;`,
        {
          id: rid('asset', id),
          set,
          prev: current.version,
          v,
          note: o.note ?? null,
          by: o.by ?? null,
        },
      );
      const rows = res[2] as unknown[];
      if (!rows?.[0]) {
        throw new AppError('conflict', `asset ${id} changed while its new version was written`);
      }
      this.listing.apply([rows[0]]);
      return { asset: toAsset(AssetRow.parse(rows[0])), previous: current.version };
    } catch (e) {
      if (/asset_content_hash|failed transaction/.test((e as Error).message)) {
        const other = await this.byContentHash(file.contentHash);
        if (!other) throw e;
        throw new AppError(
          'conflict',
          `that file is already asset ${other?.id ?? '(another asset)'}: a version must be a file of its own`,
          409,
          { contentHash: file.contentHash, asset: other?.id },
        );
      }
      if (/asset_version_unique/.test((e as Error).message)) {
        throw new AppError('conflict', `asset ${id} changed while its new version was written`);
      }
      throw e;
    }
  }

  /** An asset's versions, newest first: each one's file, when it came, and what superseded what. */
  async versions(id: string): Promise<AssetVersion[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      `SELECT version, content_hash, blob_key, thumb_key, bytes, width, height, note, by, created_at,
         (->supersedes->asset_version.version)[0] AS supersedes
       FROM asset_version WHERE asset = $id ORDER BY version DESC`,
      { id: rid('asset', id) },
    );
    return VersionRow.array()
      .parse(rows ?? [])
      .map((r) => ({
        version: r.version,
        contentHash: r.content_hash,
        blobKey: r.blob_key,
        thumbKey: r.thumb_key,
        bytes: r.bytes,
        width: r.width,
        height: r.height,
        note: r.note,
        by: r.by,
        supersedes: r.supersedes,
        createdAt: r.created_at,
      }));
  }

  /**
   * Deletes assets for good, in one transaction: their edges (lineage, campaigns), versions and
   * vectors go with them, and a tombstone each tells the sidecar indexes. Blobs stay (they are
   * content-addressed and may be shared). Callers check dependents and placements first.
   */
  async deleteMany(ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    const recs = [...new Set(ids)].map((i) => rid('asset', i));
    // Per asset, by equality: SurrealDB 3.0 deletes nothing for `DELETE t WHERE f IN $list` on an
    // indexed field (the SELECT form finds the rows); `WHERE f = $a` deletes them.
    const res = await this.db.query<unknown[]>(
      `BEGIN TRANSACTION;
       LET $gone = (SELECT VALUE id FROM $ids);
       FOR $a IN $gone {
         DELETE derived_from WHERE in = $a; DELETE derived_from WHERE out = $a;
         DELETE localized_from WHERE in = $a; DELETE localized_from WHERE out = $a;
         DELETE variant_of WHERE in = $a; DELETE variant_of WHERE out = $a;
         DELETE part_of WHERE in = $a;
         DELETE placed_in WHERE in = $a;
         LET $vers = (SELECT VALUE id FROM asset_version WHERE asset = $a);
         FOR $ver IN $vers { DELETE supersedes WHERE in = $ver; DELETE supersedes WHERE out = $ver; };
         DELETE asset_version WHERE asset = $a;
         DELETE embedding WHERE asset = $a;
         CREATE type::record('asset_tombstone', record::id($a)) RETURN NONE;
         DELETE $a;
       };
       RETURN count($gone);
       COMMIT TRANSACTION;`,
      { ids: recs },
    );
    const n = Number(res.at(-2) ?? 0);
    this.listing.remove(ids);
    return n;
  }

  /** Assets deleted at or after `since` (with a look-back for late commits). */
  removedSince(since?: Date): Promise<string[]> {
    return removedSince(this.db, since);
  }

  /** Adds the asset to a campaign (denormalised list + part_of edge) idempotently. */
  async addToCampaign(id: string, campaign: string): Promise<void> {
    const res = await this.db.query<unknown[]>(
      `BEGIN TRANSACTION;
       UPDATE $a SET campaigns = array::union(campaigns ?? [], [$c]) RETURN AFTER;
       IF (SELECT id FROM part_of WHERE in = $a AND out = $c) = [] { RELATE $a->part_of->$c; };
       COMMIT TRANSACTION;`,
      { a: rid('asset', id), c: rid('campaign', campaign) },
    );
    const rows = res[1]; // [BEGIN, UPDATE, IF, COMMIT]
    if (Array.isArray(rows) && rows.length) this.listing.apply(rows);
  }

  /**
   * Many assets in one transaction (imports, generated libraries): one round trip instead of one per
   * asset. Same content twice fails the whole batch on the content-hash index.
   */
  async createMany(inputs: readonly (NewAsset & { createdAt?: Date })[]): Promise<string[]> {
    if (!inputs.length) return [];
    const ids = inputs.map(() => newId());
    const rows = inputs.map((input, i) =>
      stripUndefined({
        id: rid('asset', ids[i]!),
        ...toColumns(input),
        created_at: input.createdAt,
      }),
    );
    const versions = rows.map((r) => ({
      asset: r.id,
      version: 1,
      content_hash: r.content_hash,
      blob_key: r.blob_key,
      bytes: r.bytes,
      width: r.width,
      height: r.height,
      created_at: new Date(),
    }));
    await this.db.query(
      `BEGIN TRANSACTION;
       INSERT INTO asset $rows RETURN NONE;
       INSERT INTO asset_version $versions RETURN NONE;
       COMMIT TRANSACTION;`,
      { rows, versions },
    );
    await this.listing.reread(ids);
    return ids;
  }

  /**
   * The searchable text of every asset written at or after `since` (all without it), in pages,
   * oldest write first: what the full-text sidecar indexes.
   */
  async *textSince(since?: Date, page = 2000): AsyncGenerator<AssetText[]> {
    let after = since ?? new Date(0);
    let skip = new Set<string>();
    for (;;) {
      const [rows] = await this.db.query<[unknown[]]>(
        `SELECT id, title, original_name, description, keywords, tags, ocr, clip, caption, people, updated_at FROM asset
         WHERE updated_at >= $after ORDER BY updated_at LIMIT $limit`,
        { after, limit: page + skip.size },
      );
      const got = TextRow.array()
        .parse(rows ?? [])
        .map((r) => ({
          id: r.id,
          title: r.title || r.original_name,
          description: [r.description, r.caption?.caption ?? ''].filter(Boolean).join('\n'),
          keywords: [...r.keywords, ...(r.caption?.objects ?? [])],
          tags: [...r.tags, ...(r.clip?.tags ?? [])].map((t) => t.name),
          ocrText: r.ocr?.text ?? '',
          people: r.people?.people,
          expressions: [
            ...new Set(r.people?.faces.flatMap((f) => (f.expression ? [f.expression] : [])) ?? []),
          ],
          updatedAt: new Date(r.updated_at),
        }))
        .filter((r) => !(r.updatedAt.getTime() === after.getTime() && skip.has(r.id)));
      if (!got.length) return;
      yield got;
      const last = got.at(-1)!.updatedAt;
      const same = got.filter((r) => r.updatedAt.getTime() === last.getTime()).map((r) => r.id);
      skip = last.getTime() === after.getTime() ? new Set([...skip, ...same]) : new Set(same);
      after = last;
      if (got.length < page) return;
    }
  }

  /** Stores what OCR read (it moves updated_at, so the text index picks it up). */
  async setOcr(id: string, ocr: OcrResult): Promise<void> {
    await this.db.query('UPDATE $id SET ocr = $ocr RETURN NONE', { id: rid('asset', id), ocr });
  }

  /** Stores (or, with null, removes) what the people step found. */
  async setPeople(id: string, people: PeopleResult | null): Promise<void> {
    await this.db.query(
      people
        ? 'UPDATE $id SET people = $people RETURN NONE'
        : 'UPDATE $id UNSET people RETURN NONE',
      { id: rid('asset', id), people },
    );
  }

  /** Stores the zero-shot tags of the CLIP step (it moves updated_at: the text index re-reads). */
  async setClip(id: string, clip: ClipResult): Promise<void> {
    await this.db.query('UPDATE $id SET clip = $clip RETURN NONE', { id: rid('asset', id), clip });
  }

  /** Stores the vision caption (it moves updated_at: the text index re-reads). */
  async setCaption(id: string, caption: CaptionResult): Promise<void> {
    await this.db.query('UPDATE $id SET caption = $caption RETURN NONE', {
      id: rid('asset', id),
      caption,
    });
  }

  async setLogo(id: string, logo: LogoResult): Promise<void> {
    await this.db.query('UPDATE $id SET logo = $logo RETURN NONE', { id: rid('asset', id), logo });
  }

  /** How many assets have no OCR result from `model` for their current version. */
  async missingOcr(model: string): Promise<number> {
    const [rows] = await this.db.query<[{ n: number }[]]>(
      'SELECT count() AS n FROM asset WHERE ocr = NONE OR ocr.model != $model OR ocr.assetVersion != version GROUP ALL',
      { model },
    );
    return rows?.[0]?.n ?? 0;
  }

  /** Perceptual hashes written at or after `since` (all without it), for the near-copy index. */
  async phashes(since?: Date): Promise<{ id: string; phash: string; updatedAt: Date }[]> {
    const [rows] = await this.db.query<[unknown[]]>(
      since
        ? 'SELECT id, phash, updated_at FROM asset WHERE updated_at >= $since'
        : 'SELECT id, phash, updated_at FROM asset',
      { since },
    );
    return z
      .object({ id: zKey, phash: opt(z.string()), updated_at: zTime })
      .array()
      .parse(rows ?? [])
      .flatMap((r) =>
        r.phash ? [{ id: r.id, phash: r.phash, updatedAt: new Date(r.updated_at) }] : [],
      );
  }

  async allIds(): Promise<string[]> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT VALUE id FROM asset');
    return (rows ?? []).map(keyOf);
  }
}

/** A new asset's columns, as both create paths store them. */
function toColumns(input: NewAsset) {
  return {
    content_hash: input.contentHash,
    original_name: input.originalName,
    mime: input.mime,
    width: input.width,
    height: input.height,
    bytes: input.bytes,
    blob_key: input.blobKey,
    thumb_key: input.thumbKey,
    title: input.title,
    description: input.description,
    keywords: input.keywords,
    creator: input.creator,
    copyright: input.copyright,
    palette: input.palette,
    phash: input.phash,
    composition: input.composition,
    tags: input.tags ?? [],
    capture: input.capture,
    status: input.status ?? 'draft',
    kind: input.kind ?? 'master',
    version: 1,
    channel: input.channel,
    locale: input.locale,
    campaigns: (input.campaigns ?? []).map((c) => rid('campaign', c)),
    source_ref: input.sourceRef,
  };
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
