// `curator chat`: one turn (`curator chat "message" [--json]`) or a terminal REPL. In the REPL the
// person at the keyboard is the human in the loop: `/approve <id>` and `/deny <id>` decide pending
// actions of the current conversation.
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { type Agent, createAgent, type TurnResult } from '../agent/agent.ts';
import type { PendingAction } from '../agent/approvals.ts';
import { callView } from '../agent/tool-views.ts';
import { loadConfig } from '../core/config.ts';
import { createDeps, type Deps } from '../core/deps.ts';
import { isAppError, publicMessage } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { clip } from '../core/util.ts';
import { viewText } from '../core/views.ts';
import { newId } from '../store/ids.ts';
import type { Actor } from '../tools/define-tool.ts';

export const summary =
  'chat with the agent: a REPL, or one turn with a message (--json for machine output)';

const USAGE = `usage: curator chat [message] [--json] [--conversation ID]
  with a message: answers once (with --json: one JSON line { answer, toolCalls, model, pending, conversationId, finishReason })
  without:        a REPL; /approve <id>, /deny <id>, /pending, /new, /help, /exit
  The model comes from OPENAI_BASE_URL / OPENAI_API_KEY / OPENAI_MODEL; with neither, the offline planner answers.`;

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseChatArgs>;
  try {
    parsed = parseChatArgs(argv);
  } catch (e) {
    process.stderr.write(`curator chat: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Chat is interactive: keep routine info logs off the terminal unless LOG_LEVEL asks for them.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const deps = await createDeps(config, { log });
  try {
    const agent = createAgent(deps);
    const human: Actor = { id: userName(), surface: 'cli' };
    if (parsed.message !== undefined) return await oneTurn(agent, human, parsed);
    return await repl(agent, deps, human, parsed.conversation);
  } finally {
    await deps.close().catch(() => {});
  }
}

function parseChatArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      conversation: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const message = positionals.length ? positionals.join(' ') : undefined;
  if (values.json && message === undefined) throw new Error('--json needs a message');
  return {
    json: values.json === true,
    conversation: values.conversation,
    help: values.help === true,
    message,
  };
}

function userName(): string {
  try {
    return os.userInfo().username || 'terminal';
  } catch {
    return process.env.USER || 'terminal';
  }
}

async function oneTurn(
  agent: Agent,
  actor: Actor,
  args: { json: boolean; conversation?: string; message?: string },
): Promise<number> {
  const input = { message: args.message ?? '', conversationId: args.conversation, actor };
  if (args.json) {
    let r: TurnResult;
    try {
      r = await agent.run(input);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ error: publicMessage(e) })}\n`);
      return isAppError(e) && e.code === 'invalid_input' ? 2 : 1;
    }
    const line = {
      answer: r.answer,
      toolCalls: r.toolCalls.map(({ name, input }) => ({ name, input })),
      model: r.model,
      pending: r.pending,
      conversationId: r.conversationId,
      finishReason: r.finishReason,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return r.finishReason === 'error' ? 1 : 0;
  }
  const s = agent.stream(input);
  try {
    for await (const e of s.events) {
      if (e.type === 'text') process.stdout.write(e.delta);
      else if (e.type === 'tool-call')
        process.stderr.write(`· ${e.name} ${clip(JSON.stringify(e.input), 160)}\n`);
    }
  } catch (e) {
    process.stderr.write(`curator chat: ${publicMessage(e)}\n`);
    return isAppError(e) && e.code === 'invalid_input' ? 2 : 1;
  }
  const r = await s.result;
  process.stdout.write('\n');
  process.stderr.write(
    r.pending.length
      ? `conversation ${r.conversationId}: run \`curator chat --conversation ${r.conversationId}\` and /approve <id> to decide\n`
      : `conversation ${r.conversationId} (${r.model})\n`,
  );
  return r.finishReason === 'error' ? 1 : 0;
}

async function repl(
  agent: Agent,
  deps: Deps,
  human: Actor,
  conversation?: string,
): Promise<number> {
  const approvals = deps.approvalGate;
  let conversationId = conversation ?? `cli-${newId()}`;
  const out = (s: string) => process.stdout.write(s);
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  let current: AbortController | undefined;
  rl.on('SIGINT', () => {
    // Ctrl+C cancels the turn in progress; at the prompt it leaves.
    if (current) current.abort();
    else rl.close();
  });
  out(`Curator (${agent.model}); conversation ${conversationId}. /help for commands.\n`);
  const pendingList = async () => {
    const list = await approvals.pending(conversationId);
    out(
      list.length
        ? `${list.map(describePending).join('\n')}\n`
        : 'Nothing is waiting for approval.\n',
    );
  };
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    try {
      if (!line) {
        // nothing to do
      } else if (line === '/exit' || line === '/quit') {
        break;
      } else if (line === '/help') {
        out(
          '/approve <id>  run a pending action\n/deny <id>     cancel it\n/pending       list what waits\n/new           start a new conversation\n/exit          leave\n',
        );
      } else if (line === '/pending') {
        await pendingList();
      } else if (line === '/new') {
        conversationId = `cli-${newId()}`;
        out(`New conversation ${conversationId}.\n`);
      } else if (/^\/(approve|deny)\b/.test(line)) {
        const [cmd, id] = line.split(/\s+/);
        if (!id) out(`usage: ${cmd} <approval id>\n`);
        else if (cmd === '/approve') {
          const { action, output } = await approvals.approve(id, human, { conversationId });
          // The tool's own view, as every surface shows it; the JSON only for a tool without one.
          const { view } = callView(deps.tools, action.tool, action.input, output);
          const shown = view ? viewText(view) : clip(JSON.stringify(output), 800);
          out(`Approved and ran: ${action.summary}\n${shown}\n`);
        } else {
          const action = await approvals.deny(id, human, { conversationId });
          out(`Denied: ${action.summary}. Nothing changed.\n`);
        }
      } else if (line.startsWith('/')) {
        out(`Unknown command ${line.split(/\s+/)[0]}; /help lists them.\n`);
      } else {
        current = new AbortController();
        const s = agent.stream({
          message: line,
          conversationId,
          actor: human,
          signal: current.signal,
        });
        out('curator> ');
        for await (const e of s.events) {
          if (e.type === 'text') out(e.delta);
          else if (e.type === 'tool-call')
            out(`\n  · ${e.name} ${clip(JSON.stringify(e.input), 160)}\n`);
        }
        out('\n');
      }
    } catch (e) {
      out(`! ${publicMessage(e)}\n`);
      if (!isAppError(e)) deps.log.error({ err: e }, 'chat command failed');
    } finally {
      current = undefined;
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

function describePending(a: PendingAction): string {
  return `- ${a.id}: ${a.summary} (asked by ${a.requestedBy}, expires ${a.expiresAt})`;
}
