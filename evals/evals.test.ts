import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TurnResult } from '../agent/agent.ts';
import { type EvalCase, EvalCase as EvalCaseSchema, loadCases, PARAPHRASES_DIR } from './case.ts';
import { confusionTable, judge, runEvals } from './runner.ts';

describe('evals', () => {
  it('the offline planner passes every case, over all three personas', async () => {
    const cases = await loadCases();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.persona))).toEqual(
      new Set(['marketer', 'mcp-user', 'creative-director']),
    );
    const report = await runEvals({ cases });
    expect(report.model).toBe('offline-planner');
    const failed = report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.why.join('; ')}`);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(cases.length);
    // A whole eval run: brand QA cases read real OCR and logos (seconds each on 2 cores).
  }, 180_000);

  it('the paraphrases (written blind, at least two per case) score at least 90%, apart from the cases', async () => {
    const cases = await loadCases();
    const paraphrases = await loadCases(PARAPHRASES_DIR);
    // Every case the file was written for (56, before the tools had examples) has two or more.
    const originals = new Set(paraphrases.map((p) => p.id.replace(/-p\d+$/, '')));
    expect(originals.size).toBeGreaterThanOrEqual(56);
    for (const id of originals) {
      expect(cases.some((c) => c.id === id)).toBe(true);
      expect(paraphrases.filter((p) => p.id.startsWith(`${id}-p`)).length).toBeGreaterThanOrEqual(
        2,
      );
    }
    const report = await runEvals({ cases: paraphrases });
    const failed = report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.why.join('; ')}`);
    expect(report.passed / report.total, failed.join('\n')).toBeGreaterThanOrEqual(0.9);
    // The confusion table has a row per expected tool; its diagonal holds the routed cases.
    const table = confusionTable(report.cases);
    expect(table.split('\n')[0]).toMatch(/^expected \\ chosen/);
    expect(table).toMatch(/^list-assets\s/m);
  });

  it('fails a turn that calls the wrong arguments, misses a fact, acts unasked or cites an unseen id', () => {
    const c: EvalCase = EvalCaseSchema.parse({
      id: 'judge-check',
      persona: 'marketer',
      prompt: 'top 5 instagram stories',
      expectTools: [
        {
          name: 'list-assets',
          args: { channel: 'instagram-story', limit: 5, status: { absent: true } },
        },
      ],
      mustContain: ['Spring'],
      mustNotContain: [{ regex: 'archived' }],
    });
    const turn: TurnResult = {
      answer: 'Found abcdefgh2345abcd, archived.',
      toolCalls: [
        {
          name: 'list-assets',
          input: { channel: 'instagram-feed', limit: 5, status: 'draft' },
          output: { items: [] },
        },
        { name: 'set-asset-status', input: { assetIds: ['x2'], status: 'archived' } },
      ],
      model: 'offline-planner',
      conversationId: 'c1',
      pending: [],
      finishReason: 'stop',
    };
    expect(judge(c, turn)).toEqual([
      'list-assets arguments: channel should equal "instagram-story" (got "instagram-feed"); status should be absent (got "draft")',
      'unrequested side-effect tool set-asset-status',
      'answer lacks "Spring"',
      'answer contains /archived/',
      'answer cites abcdefgh2345abcd, which no tool result holds',
    ]);
  });

  it('rejects a case file with a bad field, naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-evals-'));
    try {
      await writeFile(
        path.join(dir, 'bad.json'),
        JSON.stringify([{ id: 'x', persona: 'intern', prompt: 'hi' }]),
      );
      await expect(loadCases(dir)).rejects.toThrow(/^bad\.json: 0\.persona: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
