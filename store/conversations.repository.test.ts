import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('ConversationsRepository', () => {
  it('appends in order, also when two writers race on one conversation', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    await repo.append('web-1', [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    ]);
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((t) => repo.append('web-1', [{ role: 'user', content: t }])),
    );
    const msgs = await repo.recent('web-1');
    expect(msgs.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      msgs
        .slice(2)
        .map((m) => m.message.content)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(await repo.recent('web-2')).toEqual([]);
  });

  it('appends after the real tail even when handed a stale one', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    await repo.append('c-s', [{ role: 'user', content: 'one' }]);
    await repo.append('c-s', [{ role: 'user', content: 'two' }], { lastSeq: 0 });
    expect((await repo.recent('c-s')).map((m) => [m.seq, m.message.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('parses only the window a caller chooses from sizes and roles', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    for (const t of ['1', '2', '3']) await repo.append('c-w', [{ role: 'user', content: t }]);
    let seen: unknown;
    const w = await repo.window('c-w', (meta) => {
      seen = meta;
      return 2;
    });
    expect(seen).toEqual([
      { seq: 1, role: 'user', chars: expect.any(Number) },
      { seq: 2, role: 'user', chars: expect.any(Number) },
      { seq: 3, role: 'user', chars: expect.any(Number) },
    ]);
    expect(w.messages.map((m) => m.message.content)).toEqual(['2', '3']);
    expect(w.lastSeq).toBe(3);
    expect(await repo.window('c-none', () => null)).toEqual({ messages: [], lastSeq: 0 });
  });

  it('reads further back only when the latest rows do not fill the budget', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    await repo.append(
      'c-long',
      Array.from({ length: 50 }, (_, i) => ({ role: 'user' as const, content: `message ${i}` })),
    );
    const seen = async (budgetChars: number) => {
      let n = 0;
      await repo.window(
        'c-long',
        (meta) => {
          n = meta.length;
          return null;
        },
        budgetChars,
      );
      return n;
    };
    expect(await seen(100_000)).toBe(50);
    expect(await seen(100)).toBe(40);
  });

  it('reads only the latest messages when asked for a few', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    for (const t of ['1', '2', '3']) await repo.append('c-x', [{ role: 'user', content: t }]);
    expect((await repo.recent('c-x', 2)).map((m) => m.message.content)).toEqual(['2', '3']);
  });

  it('refuses malformed messages and conversation ids, and a corrupted row fails loudly', async () => {
    env = await makeTestDeps();
    const repo = env.deps.conversations;
    await expect(repo.append('c-1', [{ role: 'robot', content: 'x' } as never])).rejects.toThrow();
    await expect(repo.recent('bad id with spaces')).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await env.deps.db.query(
      "CREATE conversation_message CONTENT { conversation: 'c-2', seq: 1, role: 'user', message: '{\"role\":\"user\"}', chars: 15 }",
    );
    await expect(repo.recent('c-2')).rejects.toThrow();
    const brokenTool = JSON.stringify({
      role: 'tool',
      content: [{ type: 'tool-result', output: { type: 'json', value: 1 } }],
    });
    await env.deps.db.query(
      "CREATE conversation_message CONTENT { conversation: 'c-3', seq: 1, role: 'tool', message: $m, chars: 10 }",
      { m: brokenTool },
    );
    await expect(repo.recent('c-3')).rejects.toThrow(/toolCallId/);
  });

  it('round-trips tool results with their JSON payload intact', async () => {
    env = await makeTestDeps();
    const value = { items: [{ id: 'a1', tags: [{ name: 'beach', confidence: 0.9 }] }], next: null };
    await env.deps.conversations.append('c-t', [
      { role: 'user', content: 'list' },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'x1',
            toolName: 'list-assets',
            output: { type: 'json', value },
          },
        ],
      },
    ]);
    const [, tool] = await env.deps.conversations.recent('c-t');
    expect(tool?.message).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'x1',
          toolName: 'list-assets',
          output: { type: 'json', value },
        },
      ],
    });
  });
});
