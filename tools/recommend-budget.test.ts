import { afterEach, describe, expect, it } from 'vitest';
import { runToolGated } from '../agent/run-tool.ts';
import { viewText } from '../core/views.ts';
import { allocationsOf } from '../insights/proposals.ts';
import type { TestEnv } from '../test/helpers.ts';
import { makeTestDeps } from '../test/helpers.ts';
import { onePlacement, plantedLibrary } from '../test/perf-fixture.ts';
import { createApp } from '../web-chat/app.ts';
import { decideProposal } from './decide-proposal.ts';
import { type Actor, invokeTool } from './define-tool.ts';
import { recommendBudget } from './recommend-budget.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
const maya: Actor = { id: 'maya', surface: 'web' };
const lee: Actor = { id: 'lee', surface: 'web' };

describe('recommend-budget', () => {
  it('moves money toward the creatives the data rate higher, and explains itself', async () => {
    env = await plantedLibrary(3);
    const out = await invokeTool(recommendBudget, { period: 'next week' }, env.deps, {
      actor: maya,
    });
    expect(out.budgetPeriod).toEqual({ from: '2026-03-29', to: '2026-04-04', days: 7 });
    expect(out.current).toEqual({ from: '2026-03-22', to: '2026-03-28', days: 7 });
    expect(out.window).toMatchObject({ from: '2026-03-01', to: '2026-03-28' });
    // 120 placements at 10 a day: a week is 8,400, and the proposal spends exactly that.
    expect(out.budget.current).toBeCloseTo(8400, 0);
    expect(out.budget.proposed).toBeCloseTo(8400, 0);
    for (const ch of out.channels) expect(ch.proposed).toBeCloseTo(ch.current, 0);

    const stored = await env.deps.proposals.get(out.proposalId);
    expect(stored).toMatchObject({ status: 'proposed', kind: 'budget', createdBy: 'maya' });
    const all = allocationsOf(stored!);
    expect(all).toHaveLength(120);
    for (const a of all) {
      expect(a.proposed).toBeGreaterThanOrEqual(a.current * 0.5 - 0.01);
      expect(a.proposed).toBeLessThanOrEqual(a.current * 1.5 + 0.01);
    }
    // Warm creatives (×1.25 CTR planted) get more money than cool ones, on average.
    const assets = new Map(
      (await env.deps.assets.byIds(all.map((a) => a.asset.id))).map((a) => [a.id, a]),
    );
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const warm = all.filter((a) => (assets.get(a.asset.id)!.composition?.warmth ?? 0) > 0);
    const cool = all.filter((a) => (assets.get(a.asset.id)!.composition?.warmth ?? 0) <= 0);
    expect(mean(warm.map((a) => a.change))).toBeGreaterThan(0.1);
    expect(mean(cool.map((a) => a.change))).toBeLessThan(-0.1);
    expect(out.impact.gain.low).toBeGreaterThan(0);

    const text = viewText(recommendBudget.view!(out, {} as never));
    expect(text).toMatch(/Data window: evidence 2026-03-01 to 2026-03-28/);
    expect(text).toMatch(/Method: Thompson sampling over 2000 draws/);
    expect(text).toMatch(/Drivers: .*warm palette ×1\.\d+ CTR \(90% 1\.\d+–1\.\d+\)/);
    expect(text).toMatch(/expected \+\d+(\.\d)? conversions \(90%: \d+(\.\d)? to \d+/);
    expect(text).toMatch(/Risks: .*saturation/);
    expect(text).toMatch(/What would change the advice: if the 3 creatives/);
    expect(text).toMatch(new RegExp(`say "approve proposal ${out.proposalId}"`));
  }, 60_000);

  it('says why when nothing ran in the 7 days before asOf', async () => {
    env = await plantedLibrary(3);
    await expect(
      invokeTool(recommendBudget, { asOf: '2026-02-10' }, env.deps, { actor: maya }),
    ).rejects.toThrow(/was spending on 2026-02-10 .*give an asOf day inside a flight/);
  }, 60_000);

  it('refuses clearly when no conversions were recorded, and bad budget periods', async () => {
    env = await makeTestDeps();
    await onePlacement(env.deps);
    await env.deps.performance.upsertDaily(
      Array.from({ length: 14 }, (_, d) => ({
        placement: 'pl-1',
        day: `2026-03-${String(d + 1).padStart(2, '0')}`,
        impressions: 1000,
        clicks: 10,
        conversions: 0,
        spend: 5,
        revenue: 0,
      })),
    );
    await expect(invokeTool(recommendBudget, {}, env.deps, { actor: maya })).rejects.toThrow(
      /no conversions were recorded from 2026-02-15 to 2026-03-14/,
    );
    expect(await env.deps.proposals.recent()).toEqual([]);
    await expect(
      invokeTool(recommendBudget, { period: 'next 200 days' }, env.deps, { actor: maya }),
    ).rejects.toThrow(/a budget period of 200 days: give one from 1 to 90 days/);
  }, 60_000);
});

describe('decide-proposal', () => {
  it('cannot apply a proposal without a person approving the decision', async () => {
    env = await plantedLibrary(3);
    const app = createApp(env.deps);
    const out = await invokeTool(recommendBudget, {}, env.deps, { actor: maya });
    const csv = () => app.request(`/api/proposals/${out.proposalId}/budget.csv`);

    // The model's word alone: refused, nothing recorded, nothing to export.
    await expect(
      invokeTool(decideProposal, { proposalId: out.proposalId, decision: 'approve' }, env.deps, {
        actor: { id: 'model', surface: 'agent' },
      }),
    ).rejects.toMatchObject({ code: 'approval_required' });
    expect((await env.deps.proposals.get(out.proposalId))!.status).toBe('proposed');
    expect((await csv()).status).toBe(409);

    // Through the gate: a pending action, which a person confirms.
    const gated = await runToolGated(
      decideProposal,
      { proposalId: out.proposalId, decision: 'approve', note: 'go' },
      env.deps,
      { actor: maya, conversationId: 'budget-1' },
    );
    if (gated.kind !== 'pending') throw new Error('expected a pending action');
    expect(gated.action.summary).toMatch(/^Approve proposal \w+ \(proposed\): Budget proposal/);
    expect((await env.deps.proposals.get(out.proposalId))!.status).toBe('proposed');
    const done = await env.deps.approvalGate.approve(gated.action.id, lee, {
      conversationId: 'budget-1',
    });
    expect(done.output).toMatchObject({ status: 'approved', decidedBy: 'lee', note: 'go' });
    expect(await env.deps.proposals.get(out.proposalId)).toMatchObject({
      status: 'approved',
      decidedBy: 'lee',
      decisionNote: 'go',
    });
    const res = await csv();
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe(
      'placement,asset_id,asset_title,channel,market,current_USD,proposed_USD,change_pct',
    );
    expect(lines).toHaveLength(121);

    // A decision is final.
    const again = await runToolGated(
      decideProposal,
      { proposalId: out.proposalId, decision: 'reject' },
      env.deps,
      { actor: maya, conversationId: 'budget-1' },
    );
    if (again.kind !== 'pending') throw new Error('expected a pending action');
    await expect(
      env.deps.approvalGate.approve(again.action.id, lee, { conversationId: 'budget-1' }),
    ).rejects.toThrow(/already approved by lee/);
  }, 60_000);

  it('refuses an unknown proposal when asked, before anything waits for approval', async () => {
    env = await plantedLibrary(3);
    await expect(
      runToolGated(
        decideProposal,
        { proposalId: 'nosuchproposal2', decision: 'approve' },
        env.deps,
        { actor: maya, conversationId: 'budget-2' },
      ),
    ).rejects.toThrow(/no proposal nosuchproposal2/);
  }, 60_000);
});
