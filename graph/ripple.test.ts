import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../core/deps.ts';
import { ingestBuffer } from '../ingest/ingest.ts';
import { FLOWS } from '../renditions/queue.ts';
import { recipeHash } from '../renditions/render.ts';
import { countRenditions, makeImage, makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { testRedis } from '../test/redis.ts';
import { type RippleFamily, rippleFamily } from '../test/ripple-family.ts';
import { bigJpeg, saw, startWorker } from '../test/workers.ts';
import { invokeTool } from '../tools/define-tool.ts';
import { startRipple } from '../tools/start-ripple.ts';
import { replaceAssetFile } from './versions.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURE = path.join(ROOT, 'test/ripple-fixture.ts');
const actor = { actor: { id: 'test', surface: 'test' as const } };
let env: TestEnv | undefined;
const children: ChildProcess[] = [];
let redis: { url: string; stop(): Promise<void> };
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(() => redis.stop());

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await env?.cleanup();
  env = undefined;
});

async function versionRows(deps: Deps, id: string): Promise<number> {
  return (await deps.assets.versions(id)).length;
}

describe('a new version and its ripple', () => {
  it('re-makes exactly the derived renditions from their recipes against the new file, and keeps the history', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    const before = new Map(
      await Promise.all(
        f.renditions.map(async (id) => {
          const a = await deps.assets.get(id);
          const [p] = (await deps.graph.neighbours(id)).parents;
          return [id, { blob: a.blobKey, parent: p!.id, recipe: p!.recipe }] as const;
        }),
      ),
    );
    const renditionsBefore = await countRenditions(env);
    const v = await replaceAssetFile(
      deps,
      f.master,
      await makeImage({ width: 1600, height: 1000, seed: 9 }),
      { by: 'test', approvedBy: 'test', note: 'retouched' },
    );
    expect(v).toMatchObject({ status: 'versioned', previous: 1 });
    expect(v.asset.version).toBe(2);
    const r = v.ripple!;
    expect(r.state).toBe('done');
    expect(
      r.items
        .filter((i) => i.action === 'remake')
        .map((i) => i.asset)
        .sort(),
    ).toEqual([...f.renditions].sort());
    // The hand-made cut is listed for a person, with the reason.
    const cut = r.items.find((i) => i.asset === f.cut)!;
    expect(cut).toMatchObject({ action: 'manual', state: 'manual' });
    expect(cut.reason).toMatch(/no recipe/);
    for (const id of f.renditions) {
      const a = await deps.assets.get(id);
      const old = before.get(id)!;
      expect(a.version, id).toBe(2);
      expect(a.blobKey).not.toBe(old.blob);
      const edge = await deps.graph.edgeData('derived_from', id, old.parent);
      const parent = await deps.assets.get(old.parent);
      // The same recipe, against the parent's new file.
      expect(edge!.recipe).toEqual({ ...(old.recipe as object), source: parent.blobKey });
      expect(edge!.recipe_hash).toBe(recipeHash(edge!.recipe as never));
      expect(await versionRows(deps, id)).toBe(2);
    }
    // A rendition of a rendition was made from its parent's new version, not the master's.
    const grandEdge = await deps.graph.edgeData('derived_from', f.grand, f.story);
    expect((grandEdge!.recipe as { source: string }).source).toBe(
      (await deps.assets.get(f.story)).blobKey,
    );
    for (const id of [...f.untouched, f.cut]) expect((await deps.assets.get(id)).version).toBe(1);
    expect(await countRenditions(env)).toBe(renditionsBefore);
    // Asked for again, the re-made rendition is found by its new recipe: no second file.
    const [again] = await deps.renditions.request([f.master], [deps.specs.get('instagram-story')]);
    expect(again).toMatchObject({ reused: true, assetId: f.story });
    const history = await deps.assets.versions(f.master);
    expect(history.map((h) => [h.version, h.supersedes ?? null])).toEqual([
      [2, 1],
      [1, null],
    ]);
    expect(history[0]!.note).toBe('retouched');
    expect(history[1]!.blobKey).not.toBe(history[0]!.blobKey);
  }, 60_000);

  it('waits for approval above the file limit, refuses to start unapproved, and runs once approved', async () => {
    env = await makeTestDeps({ RIPPLE_APPROVAL_ABOVE: '2' });
    const { deps } = env;
    const f = await rippleFamily(deps);
    const v = await replaceAssetFile(deps, f.master, await makeImage({ seed: 11 }), {
      by: 'api',
    });
    const r = v.ripple!;
    expect(r.state).toBe('awaiting_approval');
    expect(r.approval.join()).toMatch(/4 files, above the limit of 2/);
    expect((await deps.assets.get(f.story)).version).toBe(1);
    await expect(invokeTool(startRipple, { rippleId: r.id }, deps, actor)).rejects.toThrow(
      /approval/,
    );
    const out = await invokeTool(startRipple, { rippleId: r.id }, deps, {
      ...actor,
      approval: { id: 'a1', approvedBy: 'dana' },
    });
    expect(out).toMatchObject({ state: 'done', counts: { done: 4, failed: 0, manual: 1 } });
    expect((await deps.assets.get(f.story)).version).toBe(2);
  }, 60_000);

  it('refuses a version that is another asset’s file, and does nothing for the same file', async () => {
    env = await makeTestDeps();
    const { deps } = env;
    const f = await rippleFamily(deps);
    const same = await deps.blobs.get((await deps.assets.get(f.master)).blobKey);
    expect((await replaceAssetFile(deps, f.master, same, { by: 't' })).status).toBe('unchanged');
    const other = await deps.blobs.get((await deps.assets.get(f.untouched[0]!)).blobKey);
    await expect(replaceAssetFile(deps, f.master, other, { by: 't' })).rejects.toThrow(
      new RegExp(`already asset ${f.untouched[0]}`),
    );
    expect((await deps.assets.get(f.master)).version).toBe(1);
  }, 60_000);

  it('finishes a ripple whose process was killed mid-way after a restart, without duplicates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-ripple-'));
    const childEnv = {
      ...process.env,
      DATA_DIR: dir,
      SURREAL_URL: `surrealkv://${path.join(dir, 'store')}`,
      SURREAL_DATABASE: 'ripple',
      LOG_LEVEL: 'info',
      ENRICH_ON_START: 'off',
    };
    const run = (args: string[], onLog?: (text: string, child: ChildProcess) => void) =>
      new Promise<{ code: number | null; stdout: string; log: string }>((resolve, reject) => {
        const child = spawn(process.execPath, args, {
          cwd: ROOT,
          env: childEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        let stdout = '';
        let log = '';
        child.stdout!.on('data', (d: Buffer) => {
          stdout += d.toString();
          log += d.toString();
          onLog?.(log, child);
        });
        child.stderr!.on('data', (d: Buffer) => {
          log += d.toString();
          onLog?.(log, child);
        });
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout, log }));
      });
    try {
      const seeded = await run(['--import', 'tsx', FIXTURE, 'seed']);
      const f = JSON.parse(seeded.stdout.trim().split('\n').pop()!) as RippleFamily & {
        renditionCount: number;
      };
      const file = path.join(dir, 'hero-v2.jpg');
      await writeFile(file, await makeImage({ width: 1600, height: 1000, seed: 21 }));
      // Killed as soon as the first re-made rendition is recorded.
      const killed = await run(
        [path.join(ROOT, 'bin/curator.js'), 'ingest', '--replace', f.master, file, '--yes'],
        (log, child) => {
          if (log.includes('ripple item done')) child.kill('SIGKILL');
        },
      );
      expect(killed.code, killed.log).toBe(null);
      expect(killed.log.match(/ripple item done/g)?.length).toBeLessThan(4);
      const after = await run(['--import', 'tsx', FIXTURE, 'resume', JSON.stringify(f.renditions)]);
      const out = JSON.parse(after.stdout.trim().split('\n').pop()!) as {
        resumed: { state: string; items: string[] }[];
        versions: Record<string, number[]>;
        renditions: number;
        supersedes: number;
      };
      expect(out.resumed).toHaveLength(1);
      expect(out.resumed[0]!.state).toBe('done');
      expect(out.resumed[0]!.items.filter((s) => s === 'done')).toHaveLength(4);
      for (const id of f.renditions) expect(out.versions[id], id).toEqual([2, 1]);
      expect(out.renditions).toBe(f.renditionCount);
      // One for the master and one for each re-made rendition: nothing twice.
      expect(out.supersedes).toBe(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('runs on BullMQ as a flow per level, and a worker killed mid-job leaves it to another: one new version each', async () => {
    const prefix = `r${Math.random().toString(36).slice(2)}`;
    env = await makeTestDeps({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    const e = env;
    // Big enough that a rendition takes a while: the first worker is killed in the middle of one.
    const big = (seed: number) => bigJpeg(6000, 4000, seed);
    const worker = () => startWorker({ redisUrl: redis.url, prefix, dataDir: e.dir }, children);
    const a = worker();
    await saw(a.log, 'rendition worker ready');
    const { asset: master } = await ingestBuffer(e.deps, await big(1), {
      name: 'big.jpg',
      overrides: { kind: 'master', status: 'approved' },
    });
    const specs = ['web-hero-2k', 'instagram-story'].map((s) => e.deps.specs.get(s));
    const made = await e.deps.renditions.request([master.id], specs, { waitMs: 120_000 });
    expect(made.map((m) => m.state)).toEqual(['done', 'done']);
    const mark = a.log.text.length;
    const rippled = replaceAssetFile(e.deps, master.id, await big(2), {
      by: 'test',
      approvedBy: 'test',
      waitMs: 120_000,
    });
    await saw(a.log, 'rendition started', mark);
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const b = worker();
    const v = await rippled;
    expect(v.ripple).toMatchObject({ state: 'done' });
    expect(v.ripple!.items.map((i) => i.state)).toEqual(['done', 'done']);
    expect(b.log.text).toContain('rendition made');
    for (const m of made) expect(await versionRows(e.deps, m.assetId!)).toBe(2);
    expect(await countRenditions(e)).toBe(2);
    // The level ran as a flow: its parent job finished once both renditions were through.
    const q = new Queue(FLOWS, { connection: { url: redis.url }, prefix });
    try {
      const parent = await q.getJob(`ripple-${v.ripple!.id}-1`);
      expect(await parent?.getState()).toBe('completed');
      expect(parent?.returnvalue).toBe(2);
    } finally {
      await q.close();
    }
  }, 180_000);
});
