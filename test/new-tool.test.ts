// Adding a tool is one file plus one line in the catalog: this test defines a read-only tool with
// three examples, puts it in a catalog, and shows that the agent (offline planner) routes to it,
// MCP lists and calls it, and its view renders on both, with no other file touched.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/agent.ts';
import { views, viewText } from '../core/views.ts';
import { createMcpServer } from '../mcp-server/server.ts';
import { defineTool } from '../tools/define-tool.ts';
import { catalog } from '../tools/index.ts';
import { makeTestDeps, type TestEnv } from './helpers.ts';

const colourBreakdown = defineTool({
  name: 'get-colour-breakdown',
  title: 'Colour breakdown',
  description: "The share of each palette colour in one asset's image.",
  annotations: { readOnly: true, idempotent: true },
  input: z.object({ assetId: z.string().min(2) }),
  output: z.object({
    id: z.string(),
    colours: z.array(z.object({ name: z.string(), hex: z.string(), share: z.number() })),
  }),
  examples: [
    { say: 'colour breakdown of {id}' },
    { say: 'which colours make up {id}' },
    { say: 'how much of each colour is in {id}' },
  ],
  view: (out) =>
    views.table({
      title: `Colours of ${out.id}`,
      columns: ['colour', 'hex', 'share'],
      rows: out.colours.map((c) => [c.name, c.hex, `${Math.round(c.share * 100)}%`]),
    }),
  run: async ({ assetId }, deps) => {
    const a = await deps.assets.get(assetId);
    return {
      id: a.id,
      colours: a.palette.map((c) => ({ name: c.name, hex: c.hex, share: c.coverage })),
    };
  },
});

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function library() {
  env = await makeTestDeps({}, { tools: [...catalog, colourBreakdown] });
  const asset = await env.deps.assets.create({
    contentHash: 'h-colours',
    originalName: 'poster.jpg',
    mime: 'image/jpeg',
    width: 800,
    height: 600,
    bytes: 1000,
    blobKey: 'test/poster.jpg',
    title: 'Poster',
    description: '',
    keywords: [],
    palette: [
      { hex: '#e0201b', name: 'red', coverage: 0.7, lab: [47, 70, 55] },
      { hex: '#ffffff', name: 'white', coverage: 0.3, lab: [100, 0, 0] },
    ],
  });
  const expected = viewText(
    colourBreakdown.view!(
      {
        id: asset.id,
        colours: [
          { name: 'red', hex: '#e0201b', share: 0.7 },
          { name: 'white', hex: '#ffffff', share: 0.3 },
        ],
      },
      { assetId: asset.id },
    ),
  );
  return { deps: env.deps, asset, expected };
}

describe('a new tool, defined in this file only', () => {
  it('the agent routes to it from words like its examples and answers with its view', async () => {
    const { deps, asset, expected } = await library();
    const agent = createAgent(deps);
    const turn = await agent.run({
      message: `What's the colour breakdown of ${asset.id}?`,
      actor: { id: 't', surface: 'test' },
    });
    expect(turn.toolCalls.map((c) => [c.name, c.input])).toEqual([
      ['get-colour-breakdown', { assetId: asset.id }],
    ]);
    expect(turn.answer).toContain(expected);
    expect(expected).toContain('red | #e0201b | 70%');
  });

  it('MCP lists it and answers a call with its view as text and the structured result', async () => {
    const { deps, asset, expected } = await library();
    const mcp = createMcpServer(deps);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await mcp.server.connect(a);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(b);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('get-colour-breakdown');
      const r = await client.callTool({
        name: 'get-colour-breakdown',
        arguments: { assetId: asset.id },
      });
      const blocks = r.content as Array<{ type: string; text?: string }>;
      expect(blocks[0]).toEqual({ type: 'text', text: expected });
      expect(r.structuredContent).toMatchObject({
        id: asset.id,
        colours: [{ name: 'red' }, { name: 'white' }],
      });
    } finally {
      await client.close();
      await mcp.close();
    }
  });
});
