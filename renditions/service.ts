// Renditions as a domain service: what the tools, the on-the-fly URL and the demo call. It turns
// "these assets for these channels" into recipes (smart crop keeps the asset's faces, headline and
// logo), finds the ones already made by recipe hash, sends the rest to the queue, and records each
// output as an asset of kind "rendition" with a derived_from edge that carries its recipe. The
// queue's workers are stateless; this service is the one writer of what they made.
import { AppError, isAppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { IngestItemOptions, IngestOutcome } from '../ingest/ingest.ts';
import type { AssetsRepository } from '../store/assets.repository.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { GraphRepository } from '../store/graph.repository.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset, AssetStatus } from '../store/models.ts';
import type { Generator } from './outpaint.ts';
import type { RenditionOutput, RenditionQueue } from './queue.ts';
import { type Fit, Recipe, type Region, recipeHash } from './render.ts';
import type { ChannelSpec, OutputFormat, SpecCatalog } from './specs.ts';

/** The engine that made a recipe's output, recorded on its edge. */
export const ENGINE = 'curator-renditions/1';

export interface RenditionItem {
  /** The recipe's hash: the rendition's identity, and the id to ask `rendition-status` about. */
  hash: string;
  sourceId: string;
  spec: string;
  state: 'done' | 'queued' | 'running' | 'failed';
  /** The rendition asset, once recorded. */
  assetId?: string;
  width?: number;
  height?: number;
  bytes?: number;
  format?: OutputFormat;
  /** How it was fitted ("kept the face and the headline; cut 12% on the left…"). */
  explanation?: string;
  progress?: number;
  error?: string;
  /** True when this request found it already made (the same recipe is never made twice). */
  reused?: boolean;
}

export interface RenditionOptions {
  fit?: Fit;
  format?: OutputFormat;
  focal?: { x: number; y: number };
  quality?: number;
  /** outpaint: what the model should paint (the configured prompt by default). */
  prompt?: string;
}

export interface RenditionDeps {
  assets: AssetsRepository;
  blobs: BlobStore;
  graph: GraphRepository;
  specs: SpecCatalog;
  log: Logger;
  queue: RenditionQueue;
  /** The configured image model for outpaint recipes; absent: generative extend is off. */
  outpaint?: Generator;
  /** Stores an output as an asset (ingest/ingest.ts), deduplicated by content. */
  ingest(data: Buffer, opts: IngestItemOptions): Promise<IngestOutcome>;
}

const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;

/** What smart crop should keep, from the asset's enrichment: faces, the headline, text, the logo. */
export function keepRegions(a: Asset): Region[] {
  const W = a.width;
  const H = a.height;
  const region = (
    kind: Region['kind'],
    b: { x: number; y: number; width: number; height: number },
  ): Region => {
    const x = round(b.x / W);
    const y = round(b.y / H);
    return {
      kind,
      x,
      y,
      width: round(Math.min(b.width / W, 1 - x)),
      height: round(Math.min(b.height / H, 1 - y)),
    };
  };
  const out: Region[] = [];
  for (const f of a.people?.faces ?? []) out.push(region('face', f.box));
  // The tallest line is the headline; the next few lines are worth keeping too.
  const lines = [...(a.ocr?.lines ?? [])]
    .filter((l) => l.text.trim().length > 1)
    .sort((x, y) => y.fontPx - x.fontPx)
    .slice(0, 12);
  lines.forEach((l, i) => {
    out.push(region(i === 0 ? 'headline' : 'text', l.box));
  });
  if (a.logo?.found && a.logo.box) out.push(region('logo', a.logo.box));
  return out.slice(0, 40);
}

export class RenditionService {
  /** Outputs being made and recorded now, by recipe hash: one recording per recipe. */
  private readonly inflight = new Map<string, Promise<RenditionItem>>();
  private readonly meta = new Map<string, { sourceId: string; spec: string }>();

  constructor(private readonly d: RenditionDeps) {}

  get mode() {
    return this.d.queue.mode;
  }

  /** Generative extend needs an image model; say so before anything is queued. */
  private checkFit(fit: Fit | undefined) {
    if (fit === 'outpaint' && !this.d.outpaint) {
      throw new AppError(
        'invalid_input',
        'generative extend (outpaint) is off: set OUTPAINT_PROVIDER (openai or sd-webui) and run a GPU-lane worker, or use blur-fill or extend, which need no image model',
      );
    }
  }

  /** The recipe for one source and spec; the format falls back to the spec's first. */
  recipe(source: Asset, spec: ChannelSpec, o: RenditionOptions = {}): Recipe {
    const fit = o.fit ?? 'smart-crop';
    this.checkFit(fit);
    const format = o.format && spec.formats.includes(o.format) ? o.format : spec.formats[0]!;
    return {
      source: source.blobKey,
      spec: { id: spec.id, version: spec.version },
      fit,
      ...(o.focal ? { focal: o.focal } : {}),
      keep: fit === 'smart-crop' && !o.focal ? keepRegions(source) : [],
      format,
      quality: o.quality ?? 86,
      metadata: 'strip',
      ...(fit === 'outpaint'
        ? { generator: { ...this.d.outpaint!, prompt: o.prompt ?? this.d.outpaint!.prompt } }
        : {}),
    };
  }

  /**
   * Makes each source in each spec: those already made are found, the rest go to the queue.
   * Waits up to `waitMs` for them; what is still running is reported so, and recorded when done.
   */
  async request(
    sourceIds: readonly string[],
    specs: readonly ChannelSpec[],
    o: RenditionOptions & { waitMs?: number } = {},
  ): Promise<RenditionItem[]> {
    this.checkFit(o.fit);
    const jobs: { source?: Asset; spec: ChannelSpec; sourceId: string; error?: string }[] = [];
    for (const raw of sourceIds) {
      let source: Asset | undefined;
      let error: string | undefined;
      let sourceId = raw;
      try {
        sourceId = parseKey('asset', raw);
        source = await this.d.assets.get(sourceId);
        if (source.mime === 'image/svg+xml')
          error = 'an SVG source: renditions need a raster master';
      } catch (e) {
        error = isAppError(e) ? e.message : String(e);
      }
      for (const spec of specs) jobs.push({ source, spec, sourceId, error });
    }
    const recipes = jobs.map((j) =>
      j.source && !j.error ? this.recipe(j.source, j.spec, o) : null,
    );
    const hashes = recipes.map((r) => (r ? recipeHash(r) : ''));
    const made = await this.d.graph.byRecipeHash(hashes.filter(Boolean));
    const pending = jobs.map(async (j, i): Promise<RenditionItem> => {
      const base = { hash: hashes[i]!, sourceId: j.sourceId, spec: j.spec.id };
      if (!j.source || j.error || !recipes[i]) return { ...base, state: 'failed', error: j.error };
      const found = made.get(base.hash);
      if (found) return { ...(await this.recorded(base, found.child, found.data)), reused: true };
      return this.start(j.source, j.spec, recipes[i]!);
    });
    const waitMs = o.waitMs ?? 25_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), waitMs);
    });
    const settled = await Promise.all(
      pending.map((p, i) =>
        Promise.race([p, late]).then(async (v) =>
          v === 'late' ? (await this.status([hashes[i]!]))[0]! : v,
        ),
      ),
    );
    clearTimeout(timer);
    return settled;
  }

  /** Makes (or finds) one rendition and records it; one recording per recipe at a time. */
  private start(source: Asset, spec: ChannelSpec, recipe: Recipe): Promise<RenditionItem> {
    const hash = recipeHash(recipe);
    let p = this.inflight.get(hash);
    if (p) return p;
    this.meta.set(hash, { sourceId: source.id, spec: spec.id });
    // What a hash was for, while its record is not written yet: the latest few thousand suffice.
    if (this.meta.size > 5000) this.meta.delete(this.meta.keys().next().value!);
    p = this.d.queue
      .run(recipe, { timeoutMs: 30 * 60_000 })
      .then((out) => this.record(source, spec, recipe, out))
      .catch((e: unknown): RenditionItem => {
        const error = isAppError(e) ? e.message : String((e as Error)?.message ?? e);
        this.d.log.warn({ hash, source: source.id, spec: spec.id, err: error }, 'rendition failed');
        return { hash, sourceId: source.id, spec: spec.id, state: 'failed', error };
      })
      .finally(() => this.inflight.delete(hash));
    this.inflight.set(hash, p);
    return p;
  }

  /** The output as an asset, derived from its source by an edge that carries the recipe. */
  private async record(
    source: Asset,
    spec: ChannelSpec,
    recipe: Recipe,
    out: RenditionOutput,
  ): Promise<RenditionItem> {
    const hash = out.hash;
    const data = await this.d.blobs.get(out.blobKey);
    const stem = source.originalName.replace(/\.[a-z0-9]+$/i, '').slice(0, 80) || source.id;
    const generative = recipe.fit === 'outpaint';
    // Generated pixels are a draft until a person approves them; a fitted copy of an approved
    // master is as approved as its master.
    const status: AssetStatus =
      generative || source.status === 'archived' ? 'draft' : source.status;
    const outcome = await this.d.ingest(data, {
      name: `${stem}-${spec.id}.${out.format === 'jpeg' ? 'jpg' : out.format}`,
      sourceRef: `rendition:${hash}`,
      campaign: source.campaigns[0],
      overrides: {
        title: `${source.title} — ${spec.name}`,
        description: `${spec.name} rendition (${out.width}×${out.height}) of ${source.id}: ${out.explanation}.`,
        keywords: [
          ...new Set([
            ...source.keywords.filter((k) => k !== 'master'),
            'rendition',
            spec.id,
            ...(generative ? ['generative'] : []),
          ]),
        ],
        creator: source.creator,
        copyright: source.copyright,
        kind: 'rendition',
        status,
        ...(generative
          ? { tags: [{ name: 'generative', source: 'user' as const, confidence: 1 }] }
          : {}),
        channel: spec.id,
        locale: source.locale,
      },
    });
    const child = outcome.asset.id;
    for (const c of source.campaigns.slice(1)) await this.d.assets.addToCampaign(child, c);
    if (child !== source.id) {
      await this.d.graph
        .relate('derived_from', child, source.id, {
          recipe,
          recipe_hash: hash,
          engine: ENGINE,
          ...(generative ? { generative: recipe.generator } : {}),
          explanation: out.explanation,
          window: out.window,
          quality: out.quality,
          made_at: new Date().toISOString(),
        })
        .catch((e: unknown) => {
          // Two servers recording the same output race on the unique edge: one edge is the goal.
          if (!/already contains|unique|conflict/i.test(String((e as Error)?.message))) throw e;
        });
    }
    this.d.log.info({ hash, source: source.id, spec: spec.id, asset: child }, 'rendition recorded');
    return {
      hash,
      sourceId: source.id,
      spec: spec.id,
      state: 'done',
      assetId: child,
      width: out.width,
      height: out.height,
      bytes: out.bytes,
      format: out.format as OutputFormat,
      explanation: out.explanation,
    };
  }

  private async recorded(
    base: { hash: string; sourceId: string; spec: string },
    child: string,
    data: Record<string, unknown>,
  ): Promise<RenditionItem> {
    const a = await this.d.assets.get(child).catch(() => undefined);
    const recipe = data.recipe as { format?: OutputFormat } | undefined;
    return {
      ...base,
      state: 'done',
      assetId: child,
      width: a?.width,
      height: a?.height,
      bytes: a?.bytes,
      format: recipe?.format,
      explanation: typeof data.explanation === 'string' ? data.explanation : undefined,
    };
  }

  /**
   * Where each recipe hash stands: recorded, in the queue (with progress), or failed. A job the
   * queue finished while no one waited (a restart) is recorded now.
   */
  async status(hashes: readonly string[]): Promise<RenditionItem[]> {
    const made = await this.d.graph.byRecipeHash(hashes);
    const out: RenditionItem[] = [];
    for (const hash of hashes) {
      const found = made.get(hash);
      const meta = this.meta.get(hash);
      if (found) {
        const recipe = found.data.recipe as { spec?: { id?: string } } | undefined;
        out.push(
          await this.recorded(
            { hash, sourceId: found.parent, spec: recipe?.spec?.id ?? meta?.spec ?? '?' },
            found.child,
            found.data,
          ),
        );
        continue;
      }
      const job = await this.d.queue.state(hash);
      const base = {
        hash,
        sourceId: meta?.sourceId ?? '?',
        spec: meta?.spec ?? job?.recipe?.spec.id ?? '?',
      };
      if (!job) {
        out.push({
          ...base,
          state: 'failed',
          error: `no rendition or job ${hash.slice(0, 12)}: ask request-renditions to make it`,
        });
      } else if (job.state !== 'done') {
        out.push({ ...base, state: job.state, progress: job.progress, error: job.error });
      } else if (this.inflight.has(hash)) {
        // Made; its recorder is storing it now.
        out.push({ ...base, state: 'running', progress: 100 });
      } else {
        out.push(await this.recordFinished(hash, job.recipe, job.output!));
      }
    }
    return out;
  }

  /** A job the queue finished while no one here waited for it (a restart): record it now. */
  private async recordFinished(
    hash: string,
    recipe: Recipe | undefined,
    output: RenditionOutput,
  ): Promise<RenditionItem> {
    const source = recipe ? await this.d.assets.byContentHash(recipe.source) : null;
    if (!recipe || !source) {
      return {
        hash,
        sourceId: '?',
        spec: recipe?.spec.id ?? '?',
        state: 'failed',
        error: 'made, but its source asset is gone (or has a newer version): request it again',
      };
    }
    const spec = this.d.specs.get(recipe.spec.id);
    return this.record(source, spec, recipe, output);
  }

  /** Every rendition the engine made of a source, and those still in the making. */
  async of(sourceId: string): Promise<RenditionItem[]> {
    const id = parseKey('asset', sourceId);
    const asset = await this.d.assets.get(id);
    const rows = await this.d.graph.renditionsOf(asset.id);
    const items = await Promise.all(
      rows.map((r) => {
        const recipe = r.data.recipe as { spec?: { id?: string } } | undefined;
        return this.recorded(
          { hash: r.hash, sourceId: asset.id, spec: recipe?.spec?.id ?? '?' },
          r.child,
          r.data,
        );
      }),
    );
    const making = [...this.meta.entries()]
      .filter(([h, m]) => m.sourceId === asset.id && this.inflight.has(h))
      .map(([h]) => h);
    if (making.length) items.push(...(await this.status(making)));
    // Asked about a rendition itself: its own record, found through its parent.
    if (!items.length && asset.kind === 'rendition') {
      const [parent] = (await this.d.graph.neighbours(asset.id)).parents;
      if (parent) {
        const mine = (await this.d.graph.renditionsOf(parent.id)).find((r) => r.child === asset.id);
        if (mine) return this.status([mine.hash]);
      }
    }
    return items.sort((a, b) => a.spec.localeCompare(b.spec));
  }

  /**
   * On-the-fly delivery: the approved source in a channel spec, made on first request (recorded
   * like a queued one) and found by recipe hash after. Only specs from the catalog: no free sizes.
   */
  async deliver(
    sourceId: string,
    specId: string,
    format: OutputFormat,
  ): Promise<{ data: Buffer; hash: string; format: OutputFormat }> {
    const id = parseKey('asset', sourceId);
    const source = await this.d.assets.get(id);
    if (source.status !== 'approved') {
      throw new AppError(
        'not_found',
        `asset ${id} is ${source.status.replace('_', ' ')}: only approved assets are delivered`,
      );
    }
    const spec = this.d.specs.get(specId);
    if (!spec.formats.includes(format)) {
      throw new AppError(
        'invalid_input',
        `${spec.id} is delivered as ${spec.formats.join(' or ')}, not ${format}`,
      );
    }
    const [item] = await this.request([id], [spec], { format, waitMs: 120_000 });
    if (item?.state !== 'done' || !item.assetId) {
      throw new AppError(
        item?.state === 'failed' ? 'rejected' : 'unavailable',
        item?.error ?? `rendition of ${id} in ${spec.id} is still being made; try again shortly`,
      );
    }
    const made = await this.d.assets.get(item.assetId);
    return { data: await this.d.blobs.get(made.blobKey), hash: item.hash, format };
  }

  /**
   * Whether the engine can re-make what a recipe made against a new version of its source: a fitted
   * recipe reads its source's pixels; a recipe kind that draws from a design (the demo's template
   * re-layout) or no recipe at all needs a person.
   */
  remakeable(recipe: unknown): { ok: true; spec: string } | { ok: false; reason: string } {
    const fitted = Recipe.safeParse(recipe);
    if (fitted.success) return { ok: true, spec: fitted.data.spec.id };
    const kind = (recipe as { kind?: unknown; template?: unknown } | undefined)?.kind;
    if (typeof kind === 'string') {
      const t = (recipe as { template?: unknown }).template;
      return {
        ok: false,
        reason: `made by the ${kind} recipe${typeof t === 'string' ? ` of the ${t} template` : ''}, which draws from its design, not from its parent's pixels: a designer re-makes it`,
      };
    }
    return { ok: false, reason: 'no recipe (made by hand or imported): a person re-makes it' };
  }

  /**
   * The same recipe against a new version of its source: the new file, the spec as it stands now,
   * and for smart crop what the source's enrichment says to keep, exactly as `recipe()` would
   * build it today, so a later request for the same spec finds the re-made file by its hash.
   */
  rebase(recipe: unknown, source: Asset): Recipe {
    const r = Recipe.parse(recipe);
    const spec = this.d.specs.get(r.spec.id);
    return {
      ...r,
      source: source.blobKey,
      spec: { id: spec.id, version: spec.version },
      keep: r.fit === 'smart-crop' && !r.focal ? keepRegions(source) : r.keep,
    };
  }

  /** Makes many recipes as one group (a ripple's level): a BullMQ flow, or in the process. */
  remake(group: string, recipes: readonly Recipe[]) {
    return this.d.queue.runGroup(group, recipes);
  }

  async close() {
    await Promise.allSettled(this.inflight.values());
    await this.d.queue.close();
  }
}
