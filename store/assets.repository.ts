import type { Surreal } from 'surrealdb';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { keyOf, newId, opt, rid, zKey, zTime } from './ids.ts';
import {
  type Asset,
  AssetKind,
  AssetStatus,
  CaptureMeta,
  Composition,
  type NewAsset,
  type Orientation,
  PaletteColor,
  Tag,
} from './models.ts';

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

export interface AssetFilter {
  campaign?: string;
  channel?: string;
  status?: AssetStatus;
  orientation?: Orientation;
  kind?: AssetKind;
  locale?: string;
  ids?: string[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
function decodeCursor(s: string): string {
  const key = Buffer.from(s, 'base64url').toString();
  if (!/^\d{16}_[a-z0-9_-]+$/.test(key)) {
    throw new AppError(
      'invalid_input',
      'invalid cursor: pass back the `next` value of the previous page',
    );
  }
  return key;
}

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
  constructor(private readonly db: Surreal) {}

  async create(input: NewAsset, id = newId()): Promise<Asset> {
    const content = {
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
    const [rows] = await this.db.query<[unknown[]]>('SELECT * FROM asset WHERE id IN $ids', {
      ids: ids.map((i) => rid('asset', i)),
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

  private where(f: AssetFilter): { clause: string; vars: Record<string, unknown> } {
    const parts: string[] = [];
    const vars: Record<string, unknown> = {};
    if (f.campaign) {
      parts.push('campaigns CONTAINS $campaign');
      vars.campaign = rid('campaign', f.campaign);
    }
    if (f.channel) {
      parts.push('channel = $channel');
      vars.channel = f.channel;
    }
    if (f.status) {
      parts.push('status = $status');
      vars.status = f.status;
    }
    if (f.kind) {
      parts.push('kind = $kind');
      vars.kind = f.kind;
    }
    if (f.locale) {
      parts.push('locale = $locale');
      vars.locale = f.locale;
    }
    if (f.orientation) {
      parts.push('composition.orientation = $orientation');
      vars.orientation = f.orientation;
    }
    if (f.ids) {
      parts.push('id IN $ids');
      vars.ids = f.ids.map((i) => rid('asset', i));
    }
    return { clause: parts.join(' AND '), vars };
  }

  /**
   * Newest first, keyset-paginated on `sort_key` (newest-first time + id, migration 003) so pages
   * stay stable while assets arrive and the index serves the order without a full sort.
   * Do not force the index with `WITH INDEX asset_sort_key` for filtered lists: this engine then
   * applies LIMIT before the WHERE filter and returns too few rows (a test below guards this).
   */
  async list(filter: AssetFilter, page: { limit: number; cursor?: string }): Promise<Page<Asset>> {
    const { clause, vars } = this.where(filter);
    const parts = clause ? [clause] : [];
    if (page.cursor) {
      parts.push('sort_key > $after');
      vars.after = decodeCursor(page.cursor);
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const [rows] = await this.db.query<[(Record<string, unknown> & { sort_key: string })[]]>(
      `SELECT * FROM asset ${where} ORDER BY sort_key LIMIT $limit`,
      { ...vars, limit: page.limit + 1 },
    );
    const more = rows.length > page.limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      items: AssetRow.array().parse(rows).map(toAsset),
      next: more && last ? encodeCursor(last.sort_key) : null,
    };
  }

  async count(filter: AssetFilter = {}): Promise<number> {
    const { clause, vars } = this.where(filter);
    const [rows] = await this.db.query<[{ n: number }[]]>(
      `SELECT count() AS n FROM asset ${clause ? `WHERE ${clause}` : ''} GROUP ALL`,
      vars,
    );
    return rows?.[0]?.n ?? 0;
  }

  async update(id: string, patch: AssetPatch): Promise<Asset> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch) as [keyof AssetPatch, unknown][]) {
      if (v === undefined) continue;
      set[PATCH_COLUMNS[k]] =
        k === 'campaigns' ? (v as string[]).map((c) => rid('campaign', c)) : v;
    }
    set.updated_at = new Date();
    // `UPDATE … WHERE id` on a missing record returns nothing instead of creating it.
    const [rows] = await this.db.query<[unknown[]]>(
      'UPDATE asset MERGE $set WHERE id = $id RETURN AFTER',
      { id: rid('asset', id), set },
    );
    if (!rows?.[0]) throw new AppError('not_found', `no asset with id ${id}`);
    return toAsset(AssetRow.parse(rows[0]));
  }

  /** Adds the asset to a campaign (denormalised list + part_of edge) idempotently. */
  async addToCampaign(id: string, campaign: string): Promise<void> {
    await this.db.query(
      `BEGIN TRANSACTION;
       UPDATE $a SET campaigns = array::union(campaigns ?? [], [$c]);
       IF (SELECT id FROM part_of WHERE in = $a AND out = $c) = [] { RELATE $a->part_of->$c; };
       COMMIT TRANSACTION;`,
      { a: rid('asset', id), c: rid('campaign', campaign) },
    );
  }

  async allIds(): Promise<string[]> {
    const [rows] = await this.db.query<[unknown[]]>('SELECT VALUE id FROM asset');
    return (rows ?? []).map(keyOf);
  }
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
