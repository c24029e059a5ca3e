// What a turn takes and gives: the agent's public shapes, shared by the loop, its drivers and every
// surface (CLI, HTTP, web chat, Slack).
import type { LanguageModel } from 'ai';
import type { Actor, AnyTool } from '../tools/define-tool.ts';
import type { ToolCallTiming } from './ai-tools.ts';
import type { PendingAction } from './approvals.ts';
import type { RetryOptions } from './retry.ts';

export interface TurnInput {
  message: string;
  conversationId?: string;
  actor: Actor;
  signal?: AbortSignal;
}

export interface ToolCallRecord {
  name: string;
  input: unknown;
  output?: unknown;
  error?: string;
}

export interface TurnResult {
  answer: string;
  toolCalls: ToolCallRecord[];
  /** 'offline-planner', 'openai:gpt-5-mini', 'openai-compatible:llama3.1', … */
  model: string;
  conversationId: string;
  /** Actions this turn asked a person to approve. */
  pending: PendingAction[];
  /** The model's ('stop', 'length', …) or ours: 'pending-approval', 'step-limit', 'error', 'aborted'. */
  finishReason: string;
}

export type AgentEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool-call'; id: string; name: string; input: unknown }
  | { type: 'tool-result'; id: string; name: string; output?: unknown; error?: string }
  | { type: 'pending'; action: PendingAction }
  | { type: 'done'; result: TurnResult };

export interface AgentStream {
  /** Every event of the turn, ending with 'done'. Replayable: each iteration starts at the beginning. */
  events: AsyncIterable<AgentEvent>;
  /** Just the answer text as it is written (including the closing notes on approvals or failures). */
  textStream: AsyncIterable<string>;
  result: Promise<TurnResult>;
}

export interface AgentOptions {
  model?: LanguageModel;
  maxSteps?: number;
  memoryTokens?: number;
  /** The tools offered to the model; the deps' catalog by default. */
  tools?: readonly AnyTool[];
  retry?: RetryOptions;
  /** Called after every tool call with the time spent in the tool gate (metrics, benchmarks). */
  onToolCall?: (t: ToolCallTiming) => void;
}

export interface Agent {
  /** The model id reported in every TurnResult. */
  readonly model: string;
  run(t: TurnInput): Promise<TurnResult>;
  stream(t: TurnInput): AgentStream;
}
