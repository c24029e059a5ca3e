import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../core/config.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createOpenAIMock, type ScriptStep, toolOutputsIn } from '../test/openai-mock.ts';
import { seedAssets } from '../test/seed.ts';
import type { Actor } from '../tools/define-tool.ts';
import { type AgentEvent, createAgent } from './agent.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const actor: Actor = { id: 'maya', surface: 'test' };
const LOCAL = 'http://llm.test/v1';
const OPENAI = 'https://api.openai.com/v1';
const fastRetry = { initialDelayMs: 5, maxDelayMs: 20 };

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function setup(overrides: Env, steps: ScriptStep[], base: string) {
  env = await makeTestDeps(overrides);
  const mock = createOpenAIMock(base, steps);
  server.use(...mock.handlers);
  const assets = await seedAssets(env.deps, [
    { title: 'Summer beach hero', status: 'approved' },
    { title: 'Autumn draft banner', status: 'draft' },
  ]);
  return { deps: env.deps, mock, assets };
}

/** A model turn that answers from the list-assets result it was sent. */
const answerFromListing: ScriptStep = (body) => {
  const [listing] = toolOutputsIn(body) as {
    items: { id: string; title: string }[];
    total: number;
  }[];
  if (!listing) return { text: 'no tool output reached me' };
  return {
    text: `There are ${listing.total} approved assets: ${listing.items.map((i) => `${i.title} (${i.id})`).join(', ')}.`,
  };
};

const listApproved: ScriptStep = {
  toolCalls: [{ name: 'list-assets', args: { status: 'approved', limit: 5 } }],
};

describe('agent over an OpenAI-compatible server (Chat Completions, streamed)', () => {
  it('streams tool calls, runs list-assets against the store and answers from its result', async () => {
    const { deps, mock, assets } = await setup(
      { OPENAI_BASE_URL: LOCAL, OPENAI_MODEL: 'llama3.1' },
      [listApproved, answerFromListing],
      LOCAL,
    );
    const agent = createAgent(deps, { retry: fastRetry });
    const s = agent.stream({ message: 'Which assets are approved?', actor });
    const events: AgentEvent[] = [];
    for await (const e of s.events) events.push(e);
    const r = await s.result;

    expect(r.model).toBe('openai-compatible:llama3.1');
    expect(r.toolCalls).toEqual([
      expect.objectContaining({ name: 'list-assets', input: { status: 'approved', limit: 5 } }),
    ]);
    const [hero, draft] = assets;
    expect(r.answer).toContain(`Summer beach hero (${hero!.id})`);
    expect(r.answer).not.toContain(draft!.id);
    expect(r.finishReason).toBe('stop');
    // The text arrived as deltas, and the events tell the tool story in order.
    const text = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
    expect(text).toBe(r.answer);
    expect(events.map((e) => e.type).filter((t) => t !== 'text')).toEqual([
      'tool-call',
      'tool-result',
      'done',
    ]);
    // Both requests went to Chat Completions, streaming, offering the catalog as functions.
    expect(mock.requests.map((q) => new URL(q.url).pathname)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
    ]);
    expect(mock.requests[0]!.body.stream).toBe(true);
    const names = (mock.requests[0]!.body.tools as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(names).toEqual(expect.arrayContaining(['list-assets', 'get-asset', 'set-asset-status']));
  });

  it('hands a tool error back to the model, which can read it and recover', async () => {
    const { deps, mock } = await setup(
      { OPENAI_BASE_URL: LOCAL, OPENAI_MODEL: 'llama3.1' },
      [
        { toolCalls: [{ name: 'list-assets', args: { limit: 500 } }] },
        (body) => ({
          text: `The tool said: ${(toolOutputsIn(body)[0] as { error: string }).error}`,
        }),
      ],
      LOCAL,
    );
    const r = await createAgent(deps, { retry: fastRetry }).run({
      message: 'list 500 assets',
      actor,
    });
    // Chat Completions carries a tool error as the tool message's JSON content.
    expect(toolOutputsIn(mock.requests[1]!.body)[0]).toEqual({
      error: expect.stringMatching(/invalid arguments for list-assets: limit: .*100/),
    });
    expect(r.toolCalls[0]).toMatchObject({
      name: 'list-assets',
      error: expect.stringMatching(/limit/),
    });
    expect(r.answer).toMatch(/The tool said: .*invalid arguments for list-assets/);
    expect(r.finishReason).toBe('stop');
  });

  it('stops at the step limit with a clear note', async () => {
    const { deps } = await setup(
      { OPENAI_BASE_URL: LOCAL, OPENAI_MODEL: 'llama3.1' },
      [listApproved, listApproved, listApproved],
      LOCAL,
    );
    const r = await createAgent(deps, { maxSteps: 2, retry: fastRetry }).run({
      message: 'loop',
      actor,
    });
    expect(r.toolCalls).toHaveLength(2);
    expect(r.finishReason).toBe('step-limit');
    expect(r.answer).toMatch(/stopped after 2 steps/);
  });

  it('can be cancelled mid-turn', async () => {
    const { deps } = await setup(
      { OPENAI_BASE_URL: LOCAL, OPENAI_MODEL: 'llama3.1' },
      [{ delayMs: 5_000, reply: { text: 'too late' } }],
      LOCAL,
    );
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 100);
    const r = await createAgent(deps, { retry: fastRetry }).run({
      message: 'slow',
      actor,
      signal: ac.signal,
    });
    expect(r.finishReason).toBe('aborted');
    expect(r.answer).toMatch(/Cancelled/);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });
});

describe('agent over OpenAI (Responses API)', () => {
  it('calls list-assets through /v1/responses and answers from the result', async () => {
    const { deps, mock, assets } = await setup(
      { OPENAI_API_KEY: 'sk-test' },
      [listApproved, answerFromListing],
      OPENAI,
    );
    const r = await createAgent(deps, { retry: fastRetry }).run({
      message: 'Which assets are approved?',
      actor,
    });
    expect(r.model).toBe('openai:gpt-5-mini');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['list-assets']);
    expect(r.answer).toContain(assets[0]!.id);
    expect(r.answer).not.toContain(assets[1]!.id);
    expect(mock.requests.map((q) => new URL(q.url).pathname)).toEqual([
      '/v1/responses',
      '/v1/responses',
    ]);
    expect(mock.requests[0]!.body.model).toBe('gpt-5-mini');
    // The second call carries the tool result back as a function_call_output item.
    const outputs = toolOutputsIn(mock.requests[1]!.body) as { total: number }[];
    expect(outputs[0]?.total).toBe(1);
  });

  it('streams the Responses API SSE events into text deltas and tool events', async () => {
    const { deps, mock, assets } = await setup(
      { OPENAI_API_KEY: 'sk-test' },
      [listApproved, answerFromListing],
      OPENAI,
    );
    const s = createAgent(deps, { retry: fastRetry }).stream({ message: 'approved?', actor });
    let text = '';
    for await (const delta of s.textStream) text += delta;
    const r = await s.result;
    expect(mock.requests.map((q) => q.body.stream)).toEqual([true, true]);
    expect(r.toolCalls.map((c) => c.name)).toEqual(['list-assets']);
    expect(text).toBe(r.answer);
    expect(text).toContain(assets[0]!.id);
  });

  it('a streamed turn that keeps hitting 5xx ends with the explanation as its text', async () => {
    const { deps } = await setup(
      { OPENAI_API_KEY: 'sk-test' },
      [{ status: 503 }, { status: 503 }],
      OPENAI,
    );
    const s = createAgent(deps, { retry: { ...fastRetry, maxRetries: 1 } }).stream({
      message: 'hi',
      actor,
    });
    let text = '';
    for await (const delta of s.textStream) text += delta;
    const r = await s.result;
    expect(r.finishReason).toBe('error');
    expect(text).toMatch(/server error \(HTTP 503\); I tried 2 times/);
  });

  it('retries a 429 and then succeeds', async () => {
    const { deps, mock, assets } = await setup(
      { OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-5-nano' },
      [{ status: 429, headers: { 'retry-after-ms': '10' } }, listApproved, answerFromListing],
      OPENAI,
    );
    const r = await createAgent(deps, { retry: fastRetry }).run({
      message: 'approved assets?',
      actor,
    });
    expect(mock.requests).toHaveLength(3);
    expect(r.model).toBe('openai:gpt-5-nano');
    expect(r.finishReason).toBe('stop');
    expect(r.answer).toContain(assets[0]!.id);
  });

  it('retries an attempt that does not answer in time', async () => {
    const { deps, mock } = await setup(
      { OPENAI_API_KEY: 'sk-test' },
      [{ delayMs: 2_000, reply: { text: 'late' } }, { text: 'on time' }],
      OPENAI,
    );
    const r = await createAgent(deps, { retry: { ...fastRetry, attemptTimeoutMs: 150 } }).run({
      message: 'hello',
      actor,
    });
    expect(r.answer).toBe('on time');
    expect(mock.requests).toHaveLength(2);
  });

  it('ends the turn with a clear message when the provider keeps failing with 500', async () => {
    const { deps, mock } = await setup(
      { OPENAI_API_KEY: 'sk-test' },
      [{ status: 500 }, { status: 500 }, { status: 500 }],
      OPENAI,
    );
    const conversationId = 'web-session-1';
    const r = await createAgent(deps, { retry: { ...fastRetry, maxRetries: 2 } }).run({
      message: 'approved assets?',
      actor,
      conversationId,
    });
    expect(mock.requests).toHaveLength(3);
    expect(r.finishReason).toBe('error');
    expect(r.answer).toMatch(/server error \(HTTP 500\); I tried 3 times/);
    expect(r.toolCalls).toEqual([]);
    // The failed turn is remembered as question + explanation, never half a tool exchange.
    const stored = await deps.conversations.recent(conversationId);
    expect(stored.map((m) => m.message.role)).toEqual(['user', 'assistant']);
  });

  it('does not retry a rejected key and says what to check', async () => {
    const { deps, mock } = await setup(
      { OPENAI_API_KEY: 'sk-wrong' },
      [{ status: 401, error: 'Incorrect API key' }],
      OPENAI,
    );
    const r = await createAgent(deps, { retry: fastRetry }).run({ message: 'hi', actor });
    expect(mock.requests).toHaveLength(1);
    expect(r.finishReason).toBe('error');
    expect(r.answer).toMatch(/OPENAI_API_KEY/);
  });
});

describe('model selection', () => {
  it('defaults to the offline planner with no OpenAI settings', async () => {
    env = await makeTestDeps();
    expect(createAgent(env.deps).model).toBe('offline-planner');
  });

  it('asks for OPENAI_MODEL when a base URL is set without one', async () => {
    env = await makeTestDeps({ OPENAI_BASE_URL: LOCAL });
    expect(() => createAgent(env!.deps)).toThrow(/OPENAI_MODEL must name a model/);
  });

  it('prefers the base URL (Chat Completions) over a plain key', async () => {
    env = await makeTestDeps({
      OPENAI_BASE_URL: LOCAL,
      OPENAI_API_KEY: 'sk-x',
      OPENAI_MODEL: 'qwen3',
    });
    expect(createAgent(env.deps).model).toBe('openai-compatible:qwen3');
  });

  it('rejects an empty message before doing anything', async () => {
    env = await makeTestDeps();
    await expect(createAgent(env.deps).run({ message: '  ', actor })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
