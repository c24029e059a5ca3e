import type { ModelMessage } from 'ai';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../store/conversations.repository.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { createOpenAIMock } from '../test/openai-mock.ts';
import { createAgent } from './agent.ts';
import { trimToBudget } from './memory.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const LOCAL = 'http://llm.test/v1';
const actor = { id: 'maya', surface: 'test' as const };

function stored(messages: ModelMessage[]): StoredMessage[] {
  return messages.map((message, i) => ({
    seq: i + 1,
    message,
    chars: JSON.stringify(message).length,
  }));
}

const user = (text: string): ModelMessage => ({ role: 'user', content: text });
const said = (text: string): ModelMessage => ({
  role: 'assistant',
  content: [{ type: 'text', text }],
});

describe('trimToBudget', () => {
  it('keeps the newest whole turns that fit the token budget', () => {
    const history = stored([
      user('first question '.repeat(40)),
      said('first answer '.repeat(40)),
      user('second question'),
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'list-assets', input: {} }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'list-assets',
            output: { type: 'json', value: { total: 2 } },
          },
        ],
      },
      said('second answer'),
    ]);
    const all = trimToBudget(history, 10_000);
    expect(all).toHaveLength(6);
    const recent = trimToBudget(history, 150);
    // The big first turn no longer fits; the second turn stays whole, tool call and result together.
    expect(recent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(trimToBudget(history, 5)).toEqual([]);
  });

  it('never starts with an orphaned tool result', () => {
    const history = stored([
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'x',
            toolName: 'get-asset',
            output: { type: 'text', value: 'x' },
          },
        ],
      },
      said('dangling'),
      user('hello'),
      said('hi'),
    ]);
    expect(trimToBudget(history, 1000).map((m) => m.role)).toEqual(['user', 'assistant']);
  });
});

describe('conversation memory', () => {
  it('continues a conversation across turns and forgets what no longer fits', async () => {
    env = await makeTestDeps({
      OPENAI_BASE_URL: LOCAL,
      OPENAI_MODEL: 'llama3.1',
      AGENT_MEMORY_TOKENS: '256',
    });
    const mock = createOpenAIMock(LOCAL, [
      { text: 'Noted: the campaign is Aurora.' },
      { text: 'You told me the campaign is Aurora.' },
      { text: 'x'.repeat(1200) },
      { text: 'ok' },
    ]);
    server.use(...mock.handlers);
    const agent = createAgent(env.deps);
    const first = await agent.run({ message: 'Our campaign is called Aurora.', actor });
    const conversationId = first.conversationId;
    const second = await agent.run({
      message: 'What is our campaign called?',
      actor,
      conversationId,
    });
    expect(second.conversationId).toBe(conversationId);

    const sent = (i: number) =>
      (mock.requests[i]!.body.messages as { role: string; content: unknown }[]).filter(
        (m) => m.role !== 'system',
      );
    expect(sent(1).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(sent(1))).toContain('Our campaign is called Aurora.');
    expect(JSON.stringify(sent(1))).toContain('Noted: the campaign is Aurora.');

    // A long answer pushes the older turns out of the 256-token budget.
    await agent.run({ message: 'Write a lot.', actor, conversationId });
    await agent.run({ message: 'And now?', actor, conversationId });
    const last = JSON.stringify(sent(3));
    expect(last).not.toContain('Aurora');
    expect(sent(3).at(-1)).toMatchObject({ role: 'user', content: 'And now?' });
    // Everything is still stored; only the prompt is trimmed.
    expect(await env.deps.conversations.count(conversationId)).toBe(8);
  });

  it('keeps separate conversations apart', async () => {
    env = await makeTestDeps({ OPENAI_BASE_URL: LOCAL, OPENAI_MODEL: 'llama3.1' });
    const mock = createOpenAIMock(LOCAL, [{ text: 'one' }, { text: 'two' }]);
    server.use(...mock.handlers);
    const agent = createAgent(env.deps);
    await agent.run({ message: 'secret: pelican', actor, conversationId: 'slack-C01:1712.1' });
    await agent.run({ message: 'what was the secret?', actor, conversationId: 'slack-C01:1712.2' });
    expect(JSON.stringify(mock.requests[1]!.body.messages)).not.toContain('pelican');
  });
});
