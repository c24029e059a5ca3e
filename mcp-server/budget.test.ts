// The budget flow from a real MCP client: a proposal, then a decision the person confirms in
// the client's approval prompt (elicitation), recorded with who decided.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestEnv } from '../test/helpers.ts';
import { plantedLibrary } from '../test/perf-fixture.ts';
import { createMcpServer } from './server.ts';

let env: TestEnv | undefined;
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close().catch(() => {});
  await env?.cleanup();
  env = undefined;
});

async function connect(answer: () => ElicitResult): Promise<Client> {
  const mcp = createMcpServer(env!.deps, {});
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client(
    { name: 'budget-client', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } } },
  );
  client.setRequestHandler(ElicitRequestSchema, () => answer());
  await mcp.server.connect(serverSide);
  await client.connect(clientSide);
  open.push(
    () => client.close(),
    () => mcp.close(),
  );
  return client;
}

describe('budget proposals over MCP', () => {
  it('proposes, and records the decision only when the person at the client confirms it', async () => {
    env = await plantedLibrary(3);
    let answer: ElicitResult = { action: 'decline' };
    const client = await connect(() => answer);
    const tools = (await client.listTools()).tools;
    expect(tools.find((t) => t.name === 'decide-proposal')?.annotations).toMatchObject({
      readOnlyHint: false,
    });
    const r = await client.callTool({
      name: 'recommend-budget',
      arguments: { period: 'next week', limit: 3 },
    });
    expect(r.isError).toBeFalsy();
    const { proposalId } = r.structuredContent as { proposalId: string };
    expect(proposalId).toMatch(/^[a-z0-9]{16}$/);

    const declined = await client.callTool({
      name: 'decide-proposal',
      arguments: { proposalId, decision: 'approve' },
    });
    expect(declined.isError).toBeFalsy();
    expect((await env.deps.proposals.get(proposalId))!.status).toBe('proposed');

    answer = { action: 'accept', content: { approve: true } };
    const approved = await client.callTool({
      name: 'decide-proposal',
      arguments: { proposalId, decision: 'approve', note: 'looks right' },
    });
    expect(approved.structuredContent).toMatchObject({
      status: 'approved',
      decidedBy: 'mcp-user:budget-client',
    });
    expect(await env.deps.proposals.get(proposalId)).toMatchObject({
      status: 'approved',
      decidedBy: 'mcp-user:budget-client',
      decisionNote: 'looks right',
    });
  }, 60_000);
});
