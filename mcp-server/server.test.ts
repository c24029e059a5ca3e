import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decideAction } from '../cli/mcp.ts';
import { makeTestDeps, type TestEnv } from '../test/helpers.ts';
import { defineTool } from '../tools/define-tool.ts';
import { catalog } from '../tools/index.ts';
import { type SeededLibrary, seedLibrary } from './fixtures.ts';
import { type CreateMcpServerOptions, createMcpServer } from './server.ts';

let env: TestEnv;
let lib: SeededLibrary;
const open: Array<() => Promise<void>> = [];

beforeEach(async () => {
  env = await makeTestDeps();
  lib = await seedLibrary(env.deps);
});

afterEach(async () => {
  for (const close of open.splice(0)) await close().catch(() => {});
  await env.cleanup();
});

async function connect(
  opts: CreateMcpServerOptions = {},
  answer?: (message: string) => ElicitResult,
): Promise<Client> {
  const mcp = createMcpServer(env.deps, opts);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    answer ? { capabilities: { elicitation: { form: {} } } } : {},
  );
  if (answer) client.setRequestHandler(ElicitRequestSchema, (req) => answer(req.params.message));
  await mcp.server.connect(serverSide);
  await client.connect(clientSide);
  open.push(
    () => client.close(),
    () => mcp.close(),
  );
  return client;
}

const text = (r: unknown) =>
  (((r as { content?: unknown }).content as Array<{ type: string; text?: string }>) ?? [])
    .map((c) => c.text ?? '')
    .join('\n');

describe('MCP server: tools', () => {
  it('lists every catalog tool with input and output schemas and honest annotations', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(catalog.map((t) => t.name).sort());
    const list = tools.find((t) => t.name === 'list-assets');
    expect(list?.inputSchema.properties).toHaveProperty('limit');
    expect(list?.outputSchema?.properties).toHaveProperty('items');
    expect(list?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
      destructiveHint: false,
    });
    for (const t of tools) {
      const def = catalog.find((c) => c.name === t.name);
      expect(t.annotations?.readOnlyHint, t.name).toBe(Boolean(def?.annotations.readOnly));
      if (def?.annotations.needsApproval) expect(t.description).toMatch(/approval/);
    }
  });

  it('list-assets answers with its view as text, the same JSON as text, asset links and structured content', async () => {
    const client = await connect();
    const r = await client.callTool({
      name: 'list-assets',
      arguments: { campaign: 'spring-sale', limit: 2 },
    });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as {
      items: Array<{ id: string; thumbnailUrl: string }>;
      total: number;
      next: string | null;
    };
    expect(out.total).toBe(3);
    expect(out.items).toHaveLength(2);
    expect(out.next).toEqual(expect.any(String));
    expect(lib.assets.map((a) => a.id)).toEqual(expect.arrayContaining(out.items.map((i) => i.id)));
    const blocks = r.content as Array<{ type: string; text?: string; uri?: string }>;
    expect(blocks[0]!.text).toMatch(/^Found 3 assets matching .*— showing 2:\n1\. /);
    expect(JSON.parse(blocks[1]!.text!)).toEqual(out);
    expect(blocks.filter((b) => b.type === 'resource_link').map((b) => b.uri)).toEqual(
      out.items.map((i) => `asset://${i.id}`),
    );
    const page2 = await client.callTool({
      name: 'list-assets',
      arguments: { campaign: 'spring-sale', cursor: out.next },
    });
    expect((page2.structuredContent as { items: unknown[] }).items).toHaveLength(1);
  });

  it('a bad argument comes back as isError with the reason, not as a protocol error', async () => {
    const client = await connect();
    const r = await client.callTool({ name: 'list-assets', arguments: { limit: 500 } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/limit: Too big: expected number to be <=100/);
    const wrongType = await client.callTool({
      name: 'list-assets',
      arguments: { status: 'published' },
    });
    expect(wrongType.isError).toBe(true);
    expect(text(wrongType)).toMatch(/status: /);
  });

  it('an expected failure (unknown asset, unknown campaign) reads as an error the model can act on', async () => {
    const client = await connect();
    const missing = await client.callTool({
      name: 'get-asset',
      arguments: { assetId: 'nosuchasset0000' },
    });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/no asset with id nosuchasset0000/);
    const campaign = await client.callTool({
      name: 'list-assets',
      arguments: { campaign: 'winter' },
    });
    expect(text(campaign)).toMatch(/no campaign matches "winter"/);
  });

  it('refuses a result over the size budget and says how to narrow it', async () => {
    const huge = defineTool({
      name: 'dump-everything',
      description: 'test tool with an oversized result',
      annotations: { readOnly: true },
      input: z.object({}),
      output: z.object({ blob: z.string() }),
      run: () => ({ blob: 'x'.repeat(40_000) }),
    });
    const client = await connect({ tools: [huge] });
    const r = await client.callTool({ name: 'dump-everything', arguments: {} });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/40\d{3} characters.*smaller `limit` and page with `cursor`/);
    expect(r.structuredContent).toBeUndefined();
  });

  it('an unexpected crash inside a tool is an isError result without internals', async () => {
    const broken = defineTool({
      name: 'break-things',
      description: 'test tool that throws',
      annotations: { readOnly: true },
      input: z.object({}),
      output: z.object({}),
      run: () => {
        throw new Error('secret connection string postgres://u:p@host');
      },
    });
    const client = await connect({ tools: [broken] });
    const r = await client.callTool({ name: 'break-things', arguments: {} });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/internal error/);
    expect(text(r)).not.toMatch(/postgres/);
  });
});

describe('MCP server: resources and prompts', () => {
  it('reads asset://{id} as metadata JSON plus the WebP thumbnail', async () => {
    const client = await connect();
    const a = lib.assets[0]!;
    const r = await client.readResource({ uri: `asset://${a.id}` });
    const json = r.contents.find((c) => c.mimeType === 'application/json') as { text: string };
    expect(JSON.parse(json.text)).toMatchObject({
      id: a.id,
      title: 'Spring hero 1',
      campaigns: ['spring-sale'],
    });
    const image = r.contents.find((c) => c.mimeType === 'image/webp') as { blob: string };
    expect(Buffer.from(image.blob, 'base64').equals(lib.thumbnails.get(a.id)!)).toBe(true);

    const thumb = await client.readResource({ uri: `asset://${a.id}/thumb.webp` });
    expect(thumb.contents).toHaveLength(1);

    const { resources } = await client.listResources();
    expect(resources.map((x) => x.uri).sort()).toEqual(
      lib.assets.map((x) => `asset://${x.id}`).sort(),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('asset://{id}');
  });

  it('an unknown asset resource is a readable error', async () => {
    const client = await connect();
    await expect(client.readResource({ uri: 'asset://nosuchasset0000' })).rejects.toThrow(
      /no asset with id nosuchasset0000/,
    );
  });

  it('review-campaign produces a user message naming the campaign and the tools', async () => {
    const client = await connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.find((p) => p.name === 'review-campaign')?.arguments).toEqual([
      expect.objectContaining({ name: 'campaign', required: true }),
    ]);
    const p = await client.getPrompt({
      name: 'review-campaign',
      arguments: { campaign: 'Spring Sale' },
    });
    expect(p.messages).toHaveLength(1);
    expect(p.messages[0]?.role).toBe('user');
    const body = (p.messages[0]!.content as { text: string }).text;
    expect(body).toMatch(/spring-sale/);
    expect(body).toMatch(/3 assets/);
    expect(body).toMatch(/list-assets/);
    await expect(
      client.getPrompt({ name: 'review-campaign', arguments: { campaign: 'nope' } }),
    ).rejects.toThrow(/no campaign matches "nope"; known campaigns: spring-sale/);
    const done = await client.complete({
      ref: { type: 'ref/prompt', name: 'review-campaign' },
      argument: { name: 'campaign', value: 'spr' },
    });
    expect(done.completion.values).toContain('spring-sale');
  });
});

describe('MCP server: tools that need approval', () => {
  type Outcome = {
    pending: { status: string; id: string; tool: string; summary: string };
    changed: boolean;
    howToApprove: string;
  };
  const statuses = async () =>
    (await env.deps.assets.byIds(lib.assets.map((a) => a.id))).map((a) => a.status);

  it('records a pending action and changes nothing when the client cannot ask its user', async () => {
    const client = await connect();
    const r = await client.callTool({
      name: 'set-asset-status',
      arguments: { assetIds: lib.assets.map((a) => a.id), status: 'archived' },
    });
    // Not an error: the model reads that it is waiting for a person, with the id to quote.
    expect(r.isError).toBeFalsy();
    const outcome = r.structuredContent as Outcome;
    const approval = outcome.pending;
    expect(outcome).toMatchObject({ pending: { status: 'pending' }, changed: false });
    expect(outcome.howToApprove).toContain(`curator mcp approve ${approval.id}`);
    expect(text(r)).toMatch(new RegExp(`Pending approval, nothing changed yet.*${approval.id}`));
    expect(await statuses()).toEqual(['draft', 'draft', 'draft']);
    expect(await env.deps.audit.forTarget(`asset:${lib.assets[0]!.id}`)).toEqual([]);

    const pending = await env.deps.approvalGate.pending('mcp-stdio');
    expect(pending.map((p) => p.id)).toEqual([approval.id]);
    expect(pending[0]).toMatchObject({ tool: 'set-asset-status', requestedBy: 'mcp' });
  });

  it('a bad argument to a gated tool fails at once and records nothing', async () => {
    const client = await connect();
    const r = await client.callTool({
      name: 'set-asset-status',
      arguments: { assetIds: [], status: 'archived' },
    });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/assetIds: Too small/);
    expect(await env.deps.approvalGate.pending('mcp-stdio')).toEqual([]);
  });

  it('runs the action once when the person at the client accepts the approval prompt', async () => {
    const prompts: string[] = [];
    const client = await connect({}, (message) => {
      prompts.push(message);
      return { action: 'accept', content: { approve: true } };
    });
    const target = lib.assets[1]!;
    const r = await client.callTool({
      name: 'set-asset-status',
      arguments: { assetIds: [target.id], status: 'approved' },
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      status: 'approved',
      changed: [{ id: target.id, before: 'draft' }],
    });
    expect(prompts[0]).toContain(`Set status of asset ${target.id} to "approved"`);
    expect(prompts[0]).toContain(`"assetIds":["${target.id}"]`);
    expect((await env.deps.assets.get(target.id)).status).toBe('approved');
    expect(await env.deps.audit.forTarget(`asset:${target.id}`)).toEqual([
      expect.objectContaining({ actor: 'mcp', approvedBy: 'mcp-user:test-client' }),
    ]);
    const approvalId = (r.structuredContent as { approvalId: string }).approvalId;
    const action = await env.deps.approvalGate.get(approvalId);
    expect(action?.status).toBe('executed');
    // A second approval of the same id (say, from the CLI) cannot run it again.
    await expect(decideAction(env.deps, 'approve', [approvalId])).rejects.toThrow(
      /already approved by mcp-user:test-client/,
    );
  });

  it('a declined prompt denies the action; a dismissed one leaves it pending', async () => {
    let answer: ElicitResult = { action: 'decline' };
    const client = await connect({}, () => answer);
    const args = { assetIds: [lib.assets[0]!.id], status: 'archived' };
    const declined = await client.callTool({ name: 'set-asset-status', arguments: args });
    expect((declined.structuredContent as Outcome).pending.status).toBe('denied');

    answer = { action: 'accept', content: { approve: false } };
    const unticked = await client.callTool({ name: 'set-asset-status', arguments: args });
    expect((unticked.structuredContent as Outcome).pending.status).toBe('denied');

    answer = { action: 'cancel' };
    const dismissed = await client.callTool({ name: 'set-asset-status', arguments: args });
    const { pending: approval } = dismissed.structuredContent as Outcome;
    expect(approval.status).toBe('pending');
    expect(await statuses()).toEqual(['draft', 'draft', 'draft']);

    // Later, a person approves it from the CLI; it runs with the stored input.
    expect(await decideAction(env.deps, 'pending', [])).toContain(approval.id);
    const out = await decideAction(env.deps, 'approve', [approval.id]);
    expect(out).toMatch(/approved and ran/);
    expect((await env.deps.assets.get(lib.assets[0]!.id)).status).toBe('archived');
    await expect(
      decideAction(env.deps, 'deny', [approval.id, '--conversation', 'other-conv']),
    ).rejects.toThrow(/another conversation/);
  });
});
