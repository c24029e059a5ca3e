import { describe, expect, it } from 'vitest';
import type { PendingAction } from '../core/views.ts';
import { answerBlocks, reusable, viewBlocks } from './blocks.ts';

const opts = {
  image: (u: string | undefined) => u && `https://c.example${u}`,
  conversationId: 'c',
};

describe('Block Kit rendering', () => {
  it('keeps asset text as text: no mention, link or code fence escapes', () => {
    const blocks = viewBlocks(
      {
        kind: 'table',
        title: 'Top <!channel>',
        columns: ['asset', 'CTR'],
        rows: [['```<https://evil.example|click>``` & co', 1.5]],
      },
      opts,
    );
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    const fence = blocks.find((b) => String(b.text?.text).startsWith('```'))!.text.text as string;
    expect(fence.match(/```/g)).toHaveLength(2);
    expect(fence.endsWith('```')).toBe(true);
  });

  it('splits a long answer over sections instead of cutting it', () => {
    const text = Array.from({ length: 120 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const blocks = answerBlocks(text, [], opts);
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.every((b) => b.text.text.length <= 3000)).toBe(true);
    expect(blocks.map((b) => b.text.text).join('\n')).toContain('line 119');
  });

  it('shows a pending action once, with buttons bound to its id', () => {
    const action: PendingAction = {
      id: 'act1',
      tool: 'set-asset-status',
      input: {},
      conversationId: 'c',
      requestedBy: 'U1',
      status: 'pending',
      createdAt: '2026-12-01T00:00:00Z',
      expiresAt: '2026-12-02T00:00:00Z',
      summary: 'Archive "<@U2>"',
    };
    const blocks = answerBlocks(
      '',
      [
        { kind: 'pending', action },
        { kind: 'pending', action },
      ],
      opts,
    );
    const actions = blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0]!.elements.map((e: { value: string }) => e.value)).toEqual(['act1', 'act1']);
    expect(JSON.stringify(blocks)).not.toContain('<@U2>');
  });

  it('draws a chart as an image block from its PNG twin, and cleans blocks Slack sent back', () => {
    const [img] = viewBlocks(
      { kind: 'picture', url: 'http://x/charts/effects.svg?metric=ctr', alt: '', caption: '' },
      { ...opts, image: (u) => u },
    );
    expect(img).toMatchObject({
      type: 'image',
      image_url: 'http://x/charts/effects.png?metric=ctr',
      alt_text: 'picture',
    });
    const back = reusable([{ ...img!, image_width: 600, image_bytes: 1 }]);
    expect(back[0]).not.toHaveProperty('image_width');
    expect(back[0]).toHaveProperty('image_url');
  });
});
