// MCP over stdio: stdout carries nothing but JSON-RPC, so logs go to stderr (core/log.ts) and stray
// console output is sent there too. Resolves when the client goes away (stdin ends) or on a signal.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Deps } from '../core/deps.ts';
import { createMcpServer, STDIO_CONVERSATION } from './server.ts';

export interface StdioOptions {
  stdin?: Readable;
  stdout?: Writable;
  /** Signals that end the session cleanly; empty in tests that drive their own streams. */
  signals?: NodeJS.Signals[];
}

export async function serveStdio(deps: Deps, opts: StdioOptions = {}): Promise<{ reason: string }> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  const mcp = createMcpServer(deps, { fallbackConversationId: STDIO_CONVERSATION });
  const transport = new StdioServerTransport(stdin, stdout);

  let finish: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    finish = resolve;
  });
  const onEnd = () => finish('stdin closed');
  const onSignal = (s: NodeJS.Signals) => finish(s);
  // The SDK transport does not watch for end of input; a client that exits must end the process.
  stdin.once('end', onEnd);
  stdin.once('close', onEnd);
  for (const s of signals) process.once(s, onSignal);
  transport.onclose = () => finish('transport closed');
  transport.onerror = (err) => deps.log.warn({ err }, 'mcp stdio: transport error');

  await mcp.server.connect(transport);
  deps.log.info({ tools: 'catalog', conversation: STDIO_CONVERSATION }, 'mcp: serving on stdio');
  const reason = await ended;
  stdin.off('end', onEnd);
  stdin.off('close', onEnd);
  for (const s of signals) process.off(s, onSignal);
  deps.log.info({ reason }, 'mcp: stdio session ended');
  await mcp.close().catch((err) => deps.log.warn({ err }, 'mcp stdio: close failed'));
  return { reason };
}
