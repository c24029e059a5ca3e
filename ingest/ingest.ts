// Ingestion: bytes in, one asset out. Blobs are written first (atomic and content-addressed), the
// record last, so a crash in between leaves an orphan blob at worst, never a record without its file.
// The same bytes twice are one asset; every rejection carries a reason a person can act on.
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import type { Deps, Services } from '../core/deps.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { sleep } from '../core/util.ts';
import { sha256 } from '../store/blob-store.ts';
import type { Asset, AssetKind, AssetStatus, NewAsset, Tag } from '../store/models.ts';
import { analyzeImage, type ImageAnalysis } from '../vision/analyze.ts';
import { BUILTIN_MODEL, BUILTIN_PROVIDER } from '../vision/descriptor.ts';
import { formatBytes } from './bytes.ts';
import { fetchUrl } from './fetch-url.ts';
import { nameFromUrl, sanitizeName, titleFromName } from './names.ts';
import { expandSources, type SourceItem } from './sources.ts';

export interface IngestItemOptions {
  /** Original file name; sanitised to a safe basename before it is stored. */
  name: string;
  /** Where it came from, e.g. 'demo:master/spring-01', a file path or a URL. */
  sourceRef?: string;
  /** Campaign id; the asset (new or duplicate) is added to it. */
  campaign?: string;
  allowSvg?: boolean;
  overrides?: {
    title?: string;
    description?: string;
    keywords?: string[];
    creator?: string;
    copyright?: string;
    channel?: string;
    locale?: string;
    kind?: AssetKind;
    status?: AssetStatus;
    /** Added to the tags derived from keywords and palette (same name: the override wins). */
    tags?: Tag[];
  };
}

export type IngestOutcome = { status: 'ingested' | 'duplicate'; asset: Asset };

export interface IngestReport {
  ingested: { source: string; id: string }[];
  duplicates: { source: string; id: string }[];
  rejected: { source: string; reason: string }[];
}

export function tooLarge(bytes: number, limit: number): AppError {
  return new AppError(
    'rejected',
    `file too large: ${formatBytes(bytes)} exceeds the ${formatBytes(limit)} limit`,
    400,
    {
      bytes,
      limit,
    },
  );
}

/** A file too large or empty is refused before anything reads it. */
function checkBytes(data: Buffer, maxFileBytes: number): void {
  if (data.length > maxFileBytes) throw tooLarge(data.length, maxFileBytes);
  if (data.length === 0) throw new AppError('rejected', 'empty file (0 bytes)');
}

function derivedTags(a: ImageAnalysis, extra: Tag[] = []): Tag[] {
  const tags = new Map<string, Tag>();
  const add = (t: Tag) => {
    const key = t.name.toLowerCase();
    if (!tags.has(key)) tags.set(key, t);
  };
  for (const t of extra) add(t);
  if (a.meta.keywordSource) {
    for (const k of a.meta.keywords) add({ name: k, source: a.meta.keywordSource, confidence: 1 });
  }
  for (const c of a.palette.slice(0, 3)) {
    if (c.coverage >= 0.1) add({ name: c.name, source: 'palette', confidence: c.coverage });
  }
  return [...tags.values()];
}

async function asDuplicate(
  deps: Services,
  asset: Asset,
  campaign?: string,
): Promise<IngestOutcome> {
  if (campaign && !asset.campaigns.includes(campaign)) {
    await retrying(() => deps.assets.addToCampaign(asset.id, campaign));
    return { status: 'duplicate', asset: await deps.assets.get(asset.id) };
  }
  return { status: 'duplicate', asset };
}

/** SurrealDB's optimistic transactions say "can be retried" when concurrent writers touch the same keys. */
const isRetryable = (e: unknown) =>
  /transaction (write )?conflict|can be retried/i.test(String((e as Error)?.message));
const backoff = (attempt: number) => sleep(5 * 2 ** attempt + Math.random() * 10);

async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetryable(e) || attempt >= 6) throw e;
      await backoff(attempt);
    }
  }
}

/**
 * Creates the record. Losing a race on the same bytes surfaces either as the unique index (conflict)
 * or as a transaction conflict; both end with the winner's asset reported as a duplicate.
 */
async function createRecord(deps: Services, input: NewAsset): Promise<IngestOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { status: 'ingested', asset: await deps.assets.create(input) };
    } catch (e) {
      const conflict = isAppError(e) && e.code === 'conflict';
      if (!conflict && !(isRetryable(e) && attempt < 6)) throw e;
      const winner = await deps.assets.byContentHash(input.contentHash);
      if (winner) return { status: 'duplicate', asset: winner };
      if (conflict) throw e;
      await backoff(attempt);
    }
  }
}

/**
 * The builtin embedding goes beside the asset. It is derived data: if the store refuses it, the
 * asset stays ingested and `curator enrich` computes it later.
 */
async function storeEmbedding(deps: Services, id: string, version: number, vector: Float32Array) {
  const row = {
    assetId: id,
    provider: BUILTIN_PROVIDER,
    model: BUILTIN_MODEL,
    assetVersion: version,
    vector,
  };
  try {
    await retrying(() => deps.embeddings.put(row));
    deps.vectors.upsert(row);
  } catch (err) {
    deps.log.warn({ err, asset: id }, 'embedding not stored; `curator enrich` will compute it');
  }
}

export async function ingestBuffer(
  deps: Services,
  data: Buffer,
  opts: IngestItemOptions,
): Promise<IngestOutcome> {
  const name = sanitizeName(opts.name);
  const { maxPixels, maxFileBytes } = deps.config.limits;
  checkBytes(data, maxFileBytes);
  const contentHash = sha256(data);
  const existing = await deps.assets.byContentHash(contentHash);
  if (existing) return asDuplicate(deps, existing, opts.campaign);

  const a = await analyzeImage(data, { maxPixels, allowSvg: opts.allowSvg });
  const [original, thumb] = await Promise.all([deps.blobs.put(data), deps.blobs.put(a.thumbnail)]);

  const ov = opts.overrides ?? {};
  const capture = Object.keys(a.meta.capture).length ? a.meta.capture : undefined;
  const input: NewAsset = {
    contentHash,
    originalName: name,
    mime: a.mime,
    width: a.width,
    height: a.height,
    bytes: data.length,
    blobKey: original.key,
    thumbKey: thumb.key,
    title: ov.title ?? a.meta.title ?? titleFromName(name),
    description: ov.description ?? a.meta.description ?? '',
    keywords: ov.keywords ?? a.meta.keywords,
    creator: ov.creator ?? a.meta.creator,
    copyright: ov.copyright ?? a.meta.copyright,
    palette: a.palette,
    phash: a.phash,
    composition: a.composition,
    tags: derivedTags(a, ov.tags),
    capture,
    status: ov.status,
    kind: ov.kind,
    channel: ov.channel,
    locale: ov.locale,
    sourceRef: opts.sourceRef,
  };
  const created = await createRecord(deps, input);
  if (created.status === 'duplicate') return asDuplicate(deps, created.asset, opts.campaign);
  let asset = created.asset;
  await storeEmbedding(deps, asset.id, asset.version, a.embedding);
  const campaign = opts.campaign;
  if (campaign) {
    const id = asset.id;
    await retrying(() => deps.assets.addToCampaign(id, campaign));
    asset = await deps.assets.get(asset.id);
  }
  deps.log.debug({ asset: asset.id, name, mime: a.mime, bytes: data.length }, 'ingested');
  return { status: 'ingested', asset };
}

export interface VersionOutcome {
  /** `unchanged`: the file is the asset's current one; nothing was written. */
  status: 'versioned' | 'unchanged';
  asset: Asset;
  /** The version it replaced (the current one when unchanged). */
  previous: number;
}

/**
 * A new file for an existing asset (`curator ingest --replace`, the API, `update-asset-version`,
 * the ripple): same checks as a new asset, blobs first, then the version in one transaction. What
 * people wrote (title, keywords, status, campaigns) stays; what was read from the old file's pixels
 * (palette tags, enrichment) is replaced or goes stale with the old version.
 */
export async function ingestVersion(
  deps: Services,
  assetId: string,
  data: Buffer,
  opts: { name?: string; expectVersion?: number; note?: string; by?: string } = {},
): Promise<VersionOutcome> {
  const { maxPixels, maxFileBytes } = deps.config.limits;
  checkBytes(data, maxFileBytes);
  const current = await deps.assets.get(assetId);
  const contentHash = sha256(data);
  if (contentHash === current.contentHash) {
    return { status: 'unchanged', asset: current, previous: current.version };
  }
  const a = await analyzeImage(data, { maxPixels, allowSvg: current.mime === 'image/svg+xml' });
  const [original, thumb] = await Promise.all([deps.blobs.put(data), deps.blobs.put(a.thumbnail)]);
  const kept = current.tags.filter((t) => t.source !== 'palette');
  const { asset, previous } = await retrying(() =>
    deps.assets.newVersion(
      current.id,
      {
        contentHash,
        originalName: opts.name ? sanitizeName(opts.name) : current.originalName,
        mime: a.mime,
        width: a.width,
        height: a.height,
        bytes: data.length,
        blobKey: original.key,
        thumbKey: thumb.key,
        palette: a.palette,
        phash: a.phash,
        composition: a.composition,
        capture: Object.keys(a.meta.capture).length ? a.meta.capture : undefined,
        tags: derivedTags({ ...a, meta: { ...a.meta, keywordSource: undefined } }, kept),
      },
      { expectVersion: opts.expectVersion ?? current.version, note: opts.note, by: opts.by },
    ),
  );
  await storeEmbedding(deps, asset.id, asset.version, a.embedding);
  deps.log.info(
    { asset: asset.id, version: asset.version, previous, bytes: data.length },
    'new version',
  );
  return { status: 'versioned', asset, previous };
}

export interface IngestSourcesOptions {
  /** Campaign id, slug or name; unknown campaigns are an error before anything is ingested. */
  campaign?: string;
  allowSvg?: boolean;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface IngestRun {
  report: IngestReport;
  /** Items that failed for a reason other than their content (store or disk errors): worth a retry. */
  failures: number;
}

/** Reads a local file, refusing oversized ones before reading them. */
async function readSourceFile(p: string, maxFileBytes: number): Promise<Buffer> {
  try {
    const s = await stat(p);
    if (s.size > maxFileBytes) throw tooLarge(s.size, maxFileBytes);
    return await readFile(p);
  } catch (e) {
    if (isAppError(e)) throw e;
    // A file that vanished or cannot be read is the file's problem, not the store's.
    throw new AppError(
      'rejected',
      `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'I/O error'})`,
    );
  }
}

type ItemResult =
  | { kind: 'ingested' | 'duplicate'; source: string; id: string }
  | { kind: 'rejected'; source: string; reason: string; failure: boolean };

async function ingestItem(
  deps: Deps,
  item: SourceItem,
  campaign: string | undefined,
  allowSvg: boolean,
): Promise<ItemResult> {
  try {
    if (item.kind === 'invalid')
      return { kind: 'rejected', source: item.source, reason: item.reason, failure: false };
    let data: Buffer;
    let name: string;
    let sourceRef: string;
    if (item.kind === 'url') {
      const fetched = await fetchUrl(item.url, deps.config.urlFetch);
      data = fetched.data;
      name = nameFromUrl(new URL(fetched.url));
      sourceRef = item.url;
    } else {
      data = await readSourceFile(item.path, deps.config.limits.maxFileBytes);
      name = item.source.split(/[/\\]/).pop() ?? item.source;
      sourceRef = item.path;
    }
    const out = await ingestBuffer(deps, data, { name, sourceRef, campaign, allowSvg });
    return { kind: out.status, source: item.source, id: out.asset.id };
  } catch (e) {
    if (
      isAppError(e) &&
      (e.code === 'rejected' || e.code === 'too_large' || e.code === 'invalid_input')
    ) {
      return { kind: 'rejected', source: item.source, reason: e.message, failure: false };
    }
    deps.log.error({ err: e, source: item.source }, 'ingest failed');
    const msg = isAppError(e) ? e.message : ((e as Error)?.message ?? String(e));
    return { kind: 'rejected', source: item.source, reason: `failed: ${msg}`, failure: true };
  }
}

/**
 * Items in flight at once. Decoding is bounded separately (vision/gate.ts), so extra items only
 * overlap reads, blob writes and database work with the decodes.
 */
export function defaultConcurrency(): number {
  return Math.max(4, Math.min(8, os.availableParallelism() * 3));
}

/** Ingests files, folders and URLs; one bad item never stops the rest. Results keep source order. */
export async function runIngest(
  deps: Deps,
  sources: string[],
  opts: IngestSourcesOptions = {},
): Promise<IngestRun> {
  let campaign: string | undefined;
  if (opts.campaign) {
    const c = await deps.catalog.findCampaign(opts.campaign);
    if (!c)
      throw new AppError(
        'not_found',
        `unknown campaign "${opts.campaign}": give its id, slug or name`,
      );
    campaign = c.id;
  }
  const items = await expandSources(sources);
  const results: ItemResult[] = new Array(items.length);
  const total = items.length;
  let next = 0;
  let done = 0;
  opts.onProgress?.(0, total);
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await ingestItem(deps, items[i]!, campaign, opts.allowSvg ?? false);
      done++;
      opts.onProgress?.(done, total);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? defaultConcurrency(), items.length || 1));
  await Promise.all(Array.from({ length: n }, worker));

  const report: IngestReport = { ingested: [], duplicates: [], rejected: [] };
  let failures = 0;
  for (const r of results) {
    if (r.kind === 'ingested') report.ingested.push({ source: r.source, id: r.id });
    else if (r.kind === 'duplicate') report.duplicates.push({ source: r.source, id: r.id });
    else if (r.kind === 'rejected') {
      report.rejected.push({ source: r.source, reason: r.reason });
      if (r.failure) failures++;
    }
  }
  return { report, failures };
}

export async function ingestSources(
  deps: Deps,
  sources: string[],
  opts: IngestSourcesOptions = {},
): Promise<IngestReport> {
  return (await runIngest(deps, sources, opts)).report;
}
