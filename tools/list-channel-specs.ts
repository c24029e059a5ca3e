import { z } from 'zod';
import { views } from '../core/views.ts';
import { ChannelSpec } from '../renditions/specs.ts';
import { defineTool } from './define-tool.ts';

const kb = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(0)} MB` : `${Math.round(n / 1024)} KB`;

export const listChannelSpecs = defineTool({
  name: 'list-channel-specs',
  title: 'List channel specs',
  description:
    'The channel specs renditions are made to: size, aspect, safe zones where platform UI covers the picture, byte limit, formats and colour profile, optionally for one network (meta, programmatic, owned, email, linkedin, x) or whose id or name contains some words.',
  annotations: { readOnly: true, idempotent: true },
  input: z.object({
    network: z.string().trim().max(40).optional().describe('meta, programmatic, owned, email…'),
    match: z.string().trim().max(80).optional().describe('words of the spec id or name'),
  }),
  output: z.object({ items: z.array(ChannelSpec), total: z.number() }),
  examples: [
    { say: 'what channel specs do we have' },
    { say: 'rendition specs for every channel' },
    { say: 'what size is an instagram story', input: { match: 'instagram story' } },
    { say: 'what are the display ad sizes', input: { network: 'programmatic' } },
    {
      say: 'which sizes and byte limits do the display banners need',
      input: { network: 'programmatic' },
    },
    { say: 'what safe zones does a story have', input: { match: 'story' } },
  ],
  view: (out) =>
    views.table({
      title: `${out.total} channel spec${out.total === 1 ? '' : 's'}`,
      columns: ['spec', 'name', 'size', 'safe zone (t r b l, px)', 'max', 'formats'],
      rows: out.items.map((s) => [
        s.id,
        s.name,
        `${s.width}×${s.height}`,
        Object.values(s.safeZone).some(Boolean)
          ? `${s.safeZone.top} ${s.safeZone.right} ${s.safeZone.bottom} ${s.safeZone.left}`
          : '–',
        kb(s.maxBytes),
        s.formats.join(', '),
      ]),
      total: out.total,
    }),
  run: ({ network, match }, { specs }) => {
    const words = (match ?? '')
      .toLowerCase()
      .split(/[\s-]+/)
      .filter((w) => w && !['a', 'an', 'the', 'spec', 'specs', 'size', 'sizes'].includes(w));
    const items = specs.all().filter((s) => {
      if (network && s.network !== network.toLowerCase()) return false;
      const text = `${s.id} ${s.name}`.toLowerCase();
      return words.every((w) => text.includes(w.replace(/s$/, '')));
    });
    return { items, total: items.length };
  },
});
