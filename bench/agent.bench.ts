// `npm run bench:agent`: the agent's own overhead per turn with the offline planner over 10k assets
// (BENCH_ASSETS=100000 for the 100k figures).
// Per turn it measures the whole turn, the time inside the tool calls (invokeTool) and the planner's
// time; overhead = turn − tool calls (memory load/save, prompt, the AI SDK loop, the planner).
// Baseline, measured in the same run: the same tool calls replayed directly through invokeTool.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { createAgent, type TurnResult } from '../agent/agent.ts';
import { createOfflinePlanner } from '../agent/offline-planner/model.ts';
import { loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { runScript } from '../core/util.ts';
import { newId, rid } from '../store/ids.ts';
import { type Actor, invokeTool } from '../tools/define-tool.ts';
import { catalog } from '../tools/index.ts';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 10_000);
const TURNS = Number(process.env.BENCH_TURNS ?? 200);
const WARMUP = 10;
const TURNS_PER_CONVERSATION = 10;
/** Goals (issue 7): agent overhead p95 under 25 ms; the whole turn p95 under 150 ms at 100k. */
const GOAL_P95_MS = 25;
const GOAL_TURN_P95_MS = 150;

const STATUSES = ['draft', 'needs_review', 'approved', 'archived'] as const;
const CHANNELS = [
  'instagram-feed',
  'instagram-story',
  'facebook-feed',
  'display-banner',
  'youtube-thumbnail',
];
const ORIENTATIONS = ['landscape', 'portrait', 'square'] as const;
const SUBJECTS = ['beach', 'city', 'mountain', 'studio', 'product', 'team', 'forest', 'kitchen'];

async function seed(deps: Deps, n: number): Promise<string[]> {
  const ids: string[] = [];
  const t0 = Date.now() - n * 1000;
  for (let start = 0; start < n; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const id = newId();
      ids.push(id);
      const orientation = ORIENTATIONS[i % 3]!;
      const [w, h] =
        orientation === 'landscape'
          ? [1920, 1080]
          : orientation === 'portrait'
            ? [1080, 1350]
            : [1080, 1080];
      const subject = SUBJECTS[i % SUBJECTS.length]!;
      const at = new Date(t0 + i * 1000);
      rows.push({
        id: rid('asset', id),
        content_hash: `bench-${i}`,
        original_name: `${subject}-${i}.jpg`,
        mime: 'image/jpeg',
        width: w,
        height: h,
        bytes: 200_000 + i,
        blob_key: `bench/${i}.jpg`,
        title: `${subject[0]!.toUpperCase()}${subject.slice(1)} shot ${i}`,
        description: `A ${subject} photo for the bench library`,
        keywords: [subject, orientation],
        palette: [{ hex: '#336699', name: 'steel blue', coverage: 0.4, lab: [41, -2, -32] }],
        composition: {
          brightness: 0.5,
          contrast: 0.4,
          colourfulness: 0.3,
          warmth: 0.1,
          orientation,
          aspect: w / h,
        },
        tags: [{ name: subject, source: 'demo', confidence: 0.9 }],
        status: STATUSES[i % 4]!,
        kind: 'master',
        version: 1,
        channel: CHANNELS[i % CHANNELS.length],
        campaigns: [],
        created_at: at,
        updated_at: at,
      });
    }
    await deps.db.query('INSERT INTO asset $rows RETURN NONE', { rows });
  }
  return ids;
}

function prompts(ids: string[]): string[] {
  const pick = (i: number) => ids[(i * 7919) % ids.length]!;
  return [
    'show me the newest assets',
    'list the approved assets',
    'which assets need review?',
    'top 5 portrait assets on instagram-feed',
    `tell me about asset ${pick(1)}`,
    'list draft landscape assets',
    `get asset ${pick(2)}`,
    'show 20 square assets that are approved',
    `archive asset ${pick(3)}`,
    'what assets do we have for display-banner?',
  ];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f = (x: number) => x.toFixed(2).padStart(8);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curator-bench-agent-'));
  const config = loadConfig({
    DATA_DIR: dir,
    SURREAL_URL: 'mem://',
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'off',
  });
  const deps = await createDeps(config);
  try {
    const seedStart = performance.now();
    const ids = await seed(deps, ASSETS);
    process.stderr.write(
      `seeded ${ASSETS} assets in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`,
    );

    // Time inside the tool calls (invokeTool, or storing a pending action), summed per turn.
    let toolMs = 0;
    let modelMs = 0;
    // Conversation memory reads and writes, timed around the repository (part of the overhead).
    let memoryMs = 0;
    const conversations = deps.conversations;
    const window = conversations.window.bind(conversations);
    const append = conversations.append.bind(conversations);
    conversations.window = async (...a: Parameters<typeof window>) => {
      const t0 = performance.now();
      try {
        return await window(...a);
      } finally {
        memoryMs += performance.now() - t0;
      }
    };
    conversations.append = async (...a: Parameters<typeof append>) => {
      const t0 = performance.now();
      try {
        return await append(...a);
      } finally {
        memoryMs += performance.now() - t0;
      }
    };
    const planner = createOfflinePlanner({ tools: catalog });
    const model: LanguageModelV4 = {
      ...planner,
      supportedUrls: planner.supportedUrls,
      doGenerate: async (o) => {
        const t0 = performance.now();
        try {
          return await planner.doGenerate(o);
        } finally {
          modelMs += performance.now() - t0;
        }
      },
      doStream: async (o) => {
        const t0 = performance.now();
        try {
          return await planner.doStream(o);
        } finally {
          modelMs += performance.now() - t0;
        }
      },
    };
    const agent = createAgent(deps, {
      model,
      onToolCall: (t) => {
        toolMs += t.ms;
      },
    });
    const actor: Actor = { id: 'bench', surface: 'test' };
    const messages = prompts(ids);

    const rows: {
      total: number;
      tool: number;
      model: number;
      memory: number;
      result: TurnResult;
    }[] = [];
    let conversationId: string | undefined;
    for (let i = 0; i < WARMUP + TURNS; i++) {
      if (i % TURNS_PER_CONVERSATION === 0) conversationId = undefined;
      toolMs = 0;
      modelMs = 0;
      memoryMs = 0;
      const t0 = performance.now();
      const result = await agent.run({
        message: messages[i % messages.length]!,
        actor,
        conversationId,
      });
      const total = performance.now() - t0;
      conversationId = result.conversationId;
      if (i >= WARMUP) rows.push({ total, tool: toolMs, model: modelMs, memory: memoryMs, result });
    }

    // Baseline: the same tool calls, straight through invokeTool (validation and output checks
    // included), without the agent around them.
    const bare: number[] = [];
    for (const r of rows) {
      let ms = 0;
      for (const c of r.result.toolCalls) {
        const tool = catalog.find((t) => t.name === c.name);
        if (!tool || tool.annotations.needsApproval || c.error) continue;
        const t0 = performance.now();
        await invokeTool(tool, c.input, deps, { actor });
        ms += performance.now() - t0;
      }
      bare.push(ms);
    }

    const total = rows.map((r) => r.total);
    const tool = rows.map((r) => r.tool);
    const overhead = rows.map((r) => r.total - r.tool);
    const planning = rows.map((r) => r.model);
    const calls = rows.reduce((n, r) => n + r.result.toolCalls.length, 0);
    const byTool = new Map<string, number>();
    for (const r of rows)
      for (const c of r.result.toolCalls) byTool.set(c.name, (byTool.get(c.name) ?? 0) + 1);
    const pendingTurns = rows.filter((r) => r.result.pending.length > 0).length;
    const errors = rows.filter((r) => r.result.finishReason === 'error').length;

    const line = (name: string, xs: number[]) =>
      `${name.padEnd(34)}${f(pct(xs, 50))}${f(pct(xs, 95))}${f(Math.max(...xs))}`;
    const out = [
      `agent benchmark: ${TURNS} turns (after ${WARMUP} warm-up), ${ASSETS} assets, model ${agent.model}, ${TURNS_PER_CONVERSATION} turns per conversation`,
      `tool calls: ${calls} (${[...byTool].map(([k, v]) => `${k} ${v}`).join(', ')}); turns ending in a pending approval: ${pendingTurns}; failed turns: ${errors}`,
      '',
      `${'ms per turn'.padEnd(34)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}`,
      line('turn total', total),
      line('  tool calls inside the turn', tool),
      line('  agent overhead (turn − tools)', overhead),
      line('    of which offline planner', planning),
      line(
        '    of which memory read + write',
        rows.map((r) => r.memory),
      ),
      line('baseline: same calls via invokeTool', bare),
      '',
      `machine: ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (other work on the machine inflates the tails)`,
      `overhead p95 ${pct(overhead, 95).toFixed(2)} ms (goal < ${GOAL_P95_MS} ms): ${pct(overhead, 95) < GOAL_P95_MS ? 'met' : 'NOT met'}`,
      `turn p95 ${pct(total, 95).toFixed(2)} ms (goal < ${GOAL_TURN_P95_MS} ms at 100k assets): ${pct(total, 95) < GOAL_TURN_P95_MS ? 'met' : 'NOT met'}`,
      `all turns / the same tool calls made bare: ${(sum(total) / sum(bare)).toFixed(2)}x (${sum(total).toFixed(0)} ms vs ${sum(bare).toFixed(0)} ms)`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await deps.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

runScript('bench:agent', main);
