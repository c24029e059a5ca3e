// The ripple: when an asset gets a new version, every rendition derived from it (all the way down,
// localized cuts included) is re-made from its stored recipe against the new source, and each
// re-made file becomes a new version of the same rendition asset, so placements keep pointing at
// it. The plan is stored before anything runs; it runs at once when it is small and touches no live
// placement, else after a person approves. Levels run in order (a cut of a rendition waits for its
// rendition), each level as one group on the queue (a BullMQ flow with REDIS_URL). Each item's
// outcome is stored as it lands, so an interrupted ripple resumes without making anything twice.
import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { type View, views } from '../core/views.ts';
import { ingestVersion } from '../ingest/ingest.ts';
import { recipeHash } from '../renditions/render.ts';
import { ENGINE } from '../renditions/service.ts';
import { parseKey } from '../store/ids.ts';
import type { Asset } from '../store/models.ts';
import {
  RippleItem,
  type RippleRecord,
  RippleState,
  type RipplesRepository,
} from '../store/ripples.repository.ts';
import { type Uses, usesOf } from './uses.ts';

export interface RipplePlan {
  root: Asset;
  items: RippleItem[];
  /** Files the engine re-makes. */
  remake: number;
  /** Descendants a person must re-make, with the reason on each item. */
  manual: number;
  /** Live placements of the files it re-makes, and their campaigns. */
  live: { placements: number; campaigns: string[] };
  /** Why it needs a person's approval; empty: it may run at once. */
  approval: string[];
}

export interface RippleCounts {
  total: number;
  remake: number;
  done: number;
  unchanged: number;
  failed: number;
  pending: number;
  manual: number;
}

export const rippleCounts = (items: readonly RippleItem[]): RippleCounts => ({
  total: items.length,
  remake: items.filter((i) => i.action === 'remake').length,
  done: items.filter((i) => i.state === 'done').length,
  unchanged: items.filter((i) => i.state === 'unchanged').length,
  failed: items.filter((i) => i.state === 'failed').length,
  pending: items.filter((i) => i.state === 'pending').length,
  manual: items.filter((i) => i.state === 'manual').length,
});

const SHOWN = 40;

/** A ripple as tools return it: its state, counts and a page of its files, failures first. */
export const RippleSummary = z.object({
  id: z.string(),
  root: z.string(),
  rootTitle: z.string(),
  fromVersion: z.number(),
  toVersion: z.number(),
  state: RippleState,
  approval: z.array(z.string()).describe('why it waits for a person, when it does'),
  counts: z.object({
    total: z.number(),
    remake: z.number(),
    done: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    pending: z.number(),
    manual: z.number(),
  }),
  live: z.object({ placements: z.number(), campaigns: z.array(z.string()) }),
  items: z.array(RippleItem.omit({ hashBefore: true })),
  more: z.number().describe('files after this page'),
  next: z.string().nullable().describe('the next page of files, for ripple-status'),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  note: z.string().optional(),
});
export type RippleSummary = z.infer<typeof RippleSummary>;

export function rippleSummary(r: RippleRecord, from = 0): RippleSummary {
  const order = { failed: 0, pending: 1, manual: 2, done: 3, unchanged: 4 } as const;
  const items = [...r.items].sort((a, b) => order[a.state] - order[b.state] || a.depth - b.depth);
  return {
    id: r.id,
    root: r.root,
    rootTitle: r.rootTitle,
    fromVersion: r.fromVersion,
    toVersion: r.toVersion,
    state: r.state,
    approval: r.approval,
    counts: rippleCounts(r.items),
    live: r.live,
    items: items.slice(from, from + SHOWN).map(({ hashBefore: _h, ...i }) => i),
    more: Math.max(0, items.length - from - SHOWN),
    next: from + SHOWN < items.length ? String(from + SHOWN) : null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    note: r.note,
  };
}

/** The change report in one paragraph: what was re-made, what failed and why, what waits. */
export function rippleReport(r: RippleSummary): string {
  const c = r.counts;
  const head = `Ripple ${r.id} of ${r.root} "${r.rootTitle}" (version ${r.fromVersion} → ${r.toVersion})`;
  const people = c.manual
    ? `${c.manual} need${c.manual === 1 ? 's' : ''} a person (no recipe the engine can re-make from the new version)`
    : '';
  if (r.state === 'awaiting_approval') {
    return `${head} waits for approval (${r.approval.join('; ')}): it would re-make ${c.remake} file${c.remake === 1 ? '' : 's'}${people ? `; ${people}` : ''}.`;
  }
  const failed = r.items.filter((i) => i.state === 'failed');
  const parts = [
    `${c.done} re-made as new versions`,
    c.unchanged ? `${c.unchanged} came out unchanged` : '',
    c.failed
      ? `${c.failed} failed (${failed
          .slice(0, 5)
          .map((i) => `${i.asset}: ${i.error}`)
          .join('; ')}${c.failed > 5 ? '; …' : ''})`
      : '',
    c.pending ? `${c.pending} still to make` : '',
    people,
  ].filter(Boolean);
  const state =
    r.state === 'done' ? 'finished' : r.state === 'cancelled' ? 'was cancelled' : 'is running';
  return `${head} ${state}: ${parts.join('; ')}.${r.note ? ` ${r.note}` : ''}`;
}

/** A ripple as a table: the report as its title, then each file with what happened to it. */
export function rippleView(r: RippleSummary): View {
  return views.table({
    title: rippleReport(r),
    columns: ['asset', 'title', 'spec', 'via', 'state', 'version', 'why'],
    rows: r.items.map((i) => [
      i.asset,
      i.title,
      i.spec ?? '',
      `${i.edge.replace('_', ' ')} ${i.parent}`,
      i.state,
      i.version ?? '',
      i.error ?? i.reason,
    ]),
    total: r.counts.total,
    ...(r.next ? { note: `${r.more} more files: ask ripple-status with cursor ${r.next}` } : {}),
  });
}

export class Ripples {
  /** Ripples running in this process, so a second start waits on the first. */
  private readonly running = new Map<string, Promise<RippleRecord>>();

  constructor(
    private readonly deps: Services,
    private readonly repo: RipplesRepository,
  ) {}

  /**
   * What a new version of this asset would re-make: every rendition and cut below it through
   * derived_from and localized_from (variants are their own creatives and are left alone), whether
   * the engine can re-make each from its recipe, and the live placements that would change.
   */
  async plan(assetId: string): Promise<RipplePlan> {
    return this.planOf(await usesOf(this.deps, assetId));
  }

  /** The plan from a walk already made (impact-of-change counts with the same rules). */
  planOf(uses: Uses): RipplePlan {
    const root = uses.root;
    const reached = new Set([root.id]);
    const remaking = new Set([root.id]);
    const items: RippleItem[] = [];
    const titles = uses.assets;
    for (const s of uses.steps) {
      if (s.edge === 'variant_of' || !reached.has(s.from)) continue;
      reached.add(s.id);
      const a = titles.get(s.id);
      const check = this.deps.renditions.remakeable(s.recipe);
      const parentRemade = remaking.has(s.from);
      const ok = check.ok && parentRemade;
      if (ok) remaking.add(s.id);
      items.push({
        asset: s.id,
        parent: s.from,
        depth: s.depth,
        edge: s.edge,
        title: a?.title ?? s.id,
        spec: check.ok ? check.spec : (a?.channel ?? undefined),
        ...(s.locale ? { locale: s.locale } : {}),
        action: ok ? 'remake' : 'manual',
        reason: ok
          ? 're-made from its recipe against the new source'
          : !check.ok
            ? check.reason
            : `its parent ${s.from} is not re-made by the engine, so it stays as it is`,
        state: ok ? 'pending' : 'manual',
        ...(s.recipeHash ? { hashBefore: s.recipeHash } : {}),
        ...(a ? { versionBefore: a.version } : {}),
      });
    }
    const remade = new Set(items.filter((i) => i.action === 'remake').map((i) => i.asset));
    const live = uses.placements.filter((p) => remade.has(p.asset) && uses.live(p));
    const campaigns = [
      ...new Set(live.map((p) => uses.campaigns.get(p.campaign)?.name ?? p.campaign)),
    ];
    const limit = this.deps.config.renditions.rippleApprovalAbove;
    const approval = [
      remade.size > limit ? `${remade.size} files, above the limit of ${limit}` : '',
      live.length
        ? `${live.length} live placement${live.length === 1 ? '' : 's'} (${campaigns.join(', ')})`
        : '',
    ].filter(Boolean);
    return {
      root,
      items,
      remake: remade.size,
      manual: items.length - remade.size,
      live: { placements: live.length, campaigns },
      approval,
    };
  }

  /**
   * Stores the ripple of a version just written; none when nothing derives from the asset.
   * `approvedBy`: a person has seen the plan and approved it (update-asset-version's approval
   * shows it), so it may run whatever its size.
   */
  async create(
    assetId: string,
    o: { fromVersion: number; by: string; approvedBy?: string },
  ): Promise<RippleRecord | null> {
    const p = await this.plan(assetId);
    if (!p.items.length) return null;
    const waits = p.approval.length > 0 && !o.approvedBy;
    const r = await this.repo.create({
      root: p.root.id,
      rootTitle: p.root.title,
      fromVersion: o.fromVersion,
      toVersion: p.root.version,
      state: waits ? 'awaiting_approval' : 'running',
      approval: p.approval,
      approvedBy: o.approvedBy,
      items: p.items,
      live: p.live,
      createdBy: o.by,
    });
    this.deps.log.info(
      { ripple: r.id, root: r.root, remake: p.remake, manual: p.manual, waits },
      'ripple planned',
    );
    return r;
  }

  async get(id: string): Promise<RippleRecord> {
    const r = await this.repo.get(parseKey('ripple', id));
    if (!r) throw new AppError('not_found', `no ripple ${id}`);
    return r;
  }

  latestOf(assetId: string): Promise<RippleRecord | null> {
    return this.repo.latestOf(parseKey('asset', assetId));
  }

  /**
   * A ripple that waited for approval, approved by a person: it is running when this resolves,
   * and `done` resolves when it ends.
   */
  async start(
    id: string,
    by: string,
  ): Promise<{ ripple: RippleRecord; done: Promise<RippleRecord> }> {
    const r = await this.get(id);
    if (r.state !== 'awaiting_approval') {
      throw new AppError('conflict', `ripple ${r.id} is ${r.state.replace('_', ' ')}, not waiting`);
    }
    await this.repo.save(r.id, { state: 'running', approvedBy: by });
    return { ripple: { ...r, state: 'running', approvedBy: by }, done: this.run(r.id) };
  }

  /** Starts a waiting ripple and waits for it to end. */
  async approve(id: string, by: string): Promise<RippleRecord> {
    return (await this.start(id, by)).done;
  }

  /** Runs (or resumes) a ripple to its end; one run per ripple at a time in this process. */
  run(id: string): Promise<RippleRecord> {
    let p = this.running.get(id);
    if (!p) {
      p = this.execute(id).finally(() => this.running.delete(id));
      this.running.set(id, p);
    }
    return p;
  }

  /** Ripples a stopped process left running: each resumes at its first item not yet made. */
  async resume(): Promise<RippleRecord[]> {
    const out: RippleRecord[] = [];
    for (const r of await this.repo.inState('running')) {
      this.deps.log.info({ ripple: r.id }, 'resuming a ripple');
      out.push(await this.run(r.id));
    }
    return out;
  }

  private async execute(id: string): Promise<RippleRecord> {
    const r = await this.get(id);
    if (r.state !== 'running') return r;
    const { assets, graph, renditions, log } = this.deps;
    const root = await assets.get(r.root);
    if (root.version !== r.toVersion) {
      const note = `cancelled: ${r.root} is at version ${root.version} now, and its own ripple re-makes the renditions`;
      await this.repo.save(r.id, { state: 'cancelled', note, finished: true });
      return this.get(r.id);
    }
    if (!r.startedAt) await this.repo.save(r.id, { started: true });
    const items = r.items.map((i) => ({ ...i }));
    const byAsset = new Map(items.map((i) => [i.asset, i]));
    // Progress is written every few files (and at each level's end), not per file: a file recorded
    // but not yet written down is found again on resume by the new recipe hash on its edge.
    let unsaved = 0;
    const save = async (force = false) => {
      if (!force && ++unsaved < 10) return;
      unsaved = 0;
      await this.repo.save(r.id, { items });
    };
    const depths = [...new Set(items.map((i) => i.depth))].sort((a, b) => a - b);
    for (const depth of depths) {
      const level = items.filter((i) => i.depth === depth && i.state === 'pending');
      const work: { item: RippleItem; recipe: ReturnType<typeof renditions.rebase> }[] = [];
      for (const item of level) {
        const above = byAsset.get(item.parent);
        if (above && above.state === 'failed') {
          Object.assign(item, { state: 'failed', error: `its parent ${item.parent} failed` });
          continue;
        }
        try {
          const parent = item.parent === root.id ? root : await assets.get(item.parent);
          const edge = await graph.edgeData(item.edge, item.asset, item.parent);
          if (!edge) throw new AppError('not_found', `its ${item.edge} edge is gone`);
          const recipe = renditions.rebase(edge.recipe, parent);
          // Recorded before an interruption: the edge already carries the new recipe.
          if (edge.recipe_hash === recipeHash(recipe)) {
            const now = await assets.get(item.asset);
            Object.assign(item, { state: 'done', hash: edge.recipe_hash, version: now.version });
            continue;
          }
          work.push({ item, recipe });
        } catch (e) {
          Object.assign(item, { state: 'failed', error: (e as Error).message });
        }
      }
      await save(true);
      if (!work.length) continue;
      const results = await renditions.remake(
        `ripple-${r.id}-${depth}`,
        work.map((w) => w.recipe),
      );
      for (const [i, res] of results.entries()) {
        const { item, recipe } = work[i]!;
        try {
          if (!res.output) throw new Error(res.error ?? 'not made');
          const out = res.output;
          const v = await ingestVersion(
            this.deps,
            item.asset,
            await this.deps.blobs.get(out.blobKey),
            {
              note: `ripple ${r.id}: re-made from ${root.id} version ${root.version}`,
              by: r.approvedBy ?? r.createdBy,
            },
          );
          await graph.setEdgeData(item.edge, item.asset, item.parent, {
            recipe,
            recipe_hash: res.hash,
            engine: ENGINE,
            explanation: out.explanation,
            window: out.window,
            quality: out.quality,
            made_at: new Date().toISOString(),
            source_version: item.parent === root.id ? root.version : undefined,
            ripple: r.id,
          });
          // Unchanged bytes after an interruption that came after the version was written: done.
          const moved = v.asset.version > (item.versionBefore ?? v.asset.version);
          Object.assign(item, {
            state: v.status === 'versioned' || moved ? 'done' : 'unchanged',
            hash: res.hash,
            version: v.asset.version,
          });
          log.info(
            { ripple: r.id, asset: item.asset, version: v.asset.version },
            'ripple item done',
          );
        } catch (e) {
          Object.assign(item, { state: 'failed', error: (e as Error).message.slice(0, 300) });
          log.warn({ ripple: r.id, asset: item.asset, err: item.error }, 'ripple item failed');
        }
        await save();
      }
      await save(true);
    }
    await this.repo.save(r.id, { state: 'done', items, finished: true });
    const done = await this.get(r.id);
    await this.deps.notices.send({
      kind: 'ripple',
      summary: rippleReport(rippleSummary(done)),
      view: rippleView(rippleSummary(done)),
    });
    return done;
  }
}
