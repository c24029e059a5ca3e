// `curator mcp`: the MCP server on stdio, for Claude Desktop, Claude Code and IDEs that spawn it.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { STDIO_CONVERSATION } from '../mcp-server/server.ts';
import { serveStdio } from '../mcp-server/stdio.ts';
import type { Actor } from '../tools/define-tool.ts';

export const summary =
  'serve the tool catalog over MCP on stdio (for Claude Desktop, Claude Code, IDEs)';

const usage = `usage: curator mcp                          serve MCP on stdio
       curator mcp pending [--conversation ID]  list actions MCP clients asked for, awaiting approval
       curator mcp approve ID [--conversation ID]  run a pending action (once)
       curator mcp deny ID [--conversation ID]     refuse it; nothing changes
  Speaks MCP (JSON-RPC) on stdin/stdout; logs go to stderr. DATA_DIR, SURREAL_URL, LOG_LEVEL…
  come from the environment (see README). For MCP over HTTP, run \`curator serve\` with MCP_TOKEN set.
  --conversation: the MCP session id for HTTP clients; stdio clients use "${STDIO_CONVERSATION}" (the default).
  An embedded store is open in one process only: approve after the client has quit, or use a
  client with approval prompts (MCP elicitation), which asks at the moment of the call.
`;

/**
 * `pending`, `approve ID`, `deny ID`: the person's side of approvals for actions MCP clients asked
 * for. Returns what to print; errors (unknown id, other conversation, already decided) throw.
 */
export async function decideAction(
  deps: Deps,
  command: 'pending' | 'approve' | 'deny',
  args: string[],
): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      conversation: { type: 'string', default: STDIO_CONVERSATION },
      json: { type: 'boolean' },
    },
  });
  const conversationId = values.conversation;
  const id = positionals[0];
  const approvals = deps.approvalGate;
  if (command === 'pending') {
    const list = await approvals.pending(conversationId);
    if (values.json) return JSON.stringify(list);
    if (list.length === 0) return `no pending actions in conversation ${conversationId}`;
    return list
      .map((a) => `${a.id}  ${a.summary}  (asked by ${a.requestedBy}, expires ${a.expiresAt})`)
      .join('\n');
  }
  if (!id)
    throw new AppError('invalid_input', `usage: curator mcp ${command} ID [--conversation ID]`);
  const person: Actor = { id: `cli:${os.userInfo().username}`, surface: 'cli' };
  if (command === 'approve') {
    const done = await approvals.approve(id, person, { conversationId });
    if (values.json) return JSON.stringify(done);
    return `approved and ran ${done.action.id}: ${done.action.summary}\n${JSON.stringify(done.output)}`;
  }
  const denied = await approvals.deny(id, person, { conversationId });
  return values.json
    ? JSON.stringify(denied)
    : `denied ${denied.id}: ${denied.summary}; nothing changed`;
}

export async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'pending' || first === 'approve' || first === 'deny') {
    const deps = await createDeps(loadConfig());
    try {
      process.stdout.write(`${await decideAction(deps, first, rest)}\n`);
      return 0;
    } finally {
      await deps.close().catch(() => {});
    }
  }
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stderr.write(usage);
    return 0;
  }
  // One stray console.log from any library would corrupt the JSON-RPC stream: route it to stderr.
  for (const k of ['log', 'info', 'debug'] as const) console[k] = console.error;
  const deps = await createDeps(loadConfig());
  try {
    await serveStdio(deps);
  } finally {
    await deps.close().catch(() => {});
  }
  return 0;
}
