// Shapes shared by the planner loop and its rules. A rule recognises one kind of request and
// returns a plan: the tool calls to make step by step, and how to answer once they have run.
import type { ToolAnnotations } from '../../tools/define-tool.ts';
import type { JsonSchema } from './args.ts';
import type { Entities } from './extract.ts';
import type { Conversation, ToolExchange } from './prompt.ts';

export interface ToolInfo {
  name: string;
  description: string;
  annotations: ToolAnnotations;
  schema: JsonSchema;
  /** Full validation (zod) when the tool comes from the catalog; undefined means valid. */
  validate?: (input: unknown) => string | undefined;
}

export interface Call {
  toolName: string;
  input: Record<string, unknown>;
}

/** What the planner remembers from earlier turns of the conversation. */
export interface Memory {
  /** Every asset id seen in tool results or answers so far. */
  knownIds: Set<string>;
  /** The assets the previous turn was about (list items, or the asset shown). */
  lastIds: string[];
  /** The last list call and its `next` cursor, for "next page". */
  lastList?: { toolName: string; input: Record<string, unknown>; next: string | null };
}

export interface RouteContext {
  message: string;
  e: Entities;
  tools: Map<string, ToolInfo>;
  conv: Conversation;
  memory: Memory;
  now: Date;
}

export interface Plan {
  intent: string;
  /** Higher wins when several rules recognise a message. */
  priority: number;
  /** The calls for the next step given what already ran this turn; empty when done. */
  next(done: readonly ToolExchange[]): Call[];
  answer(done: readonly ToolExchange[]): string;
  /** Keep planning after a failed call (default: answer with the failure). */
  continueOnError?: boolean;
}

export type Rule = (ctx: RouteContext) => Plan | undefined;
