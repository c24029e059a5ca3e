// Shapes shared by the planner's parts: the tools it matches against, what it remembers of the
// conversation, and a plan (the calls to make step by step, and how to answer once they ran).
import type { View } from '../../core/views.ts';
import type { ToolAnnotations, ToolExample, ToolPlan } from '../../tools/define-tool.ts';
import type { JsonSchema } from './args.ts';
import type { Extracted } from './entities.ts';
import type { Conversation, ToolExchange } from './prompt.ts';

export interface ToolInfo {
  name: string;
  description: string;
  annotations: ToolAnnotations;
  schema: JsonSchema;
  /** Full validation (zod) when the tool comes from the catalog; undefined means valid. */
  validate?: (input: unknown) => string | undefined;
  /** What people say to ask for it; a tool from outside the catalog gets its name as one. */
  examples: { say: string; input?: Record<string, unknown> }[];
  plan?: ToolPlan;
  /** Its result as a view; undefined for tools from outside the catalog. */
  view?: (output: unknown, input: unknown) => View;
}

export type { ToolExample };

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
  lower: string;
  x: Extracted;
  tools: Map<string, ToolInfo>;
  conv: Conversation;
  memory: Memory;
  now: Date;
}

export interface Plan {
  intent: string;
  /** The calls for the next step given what already ran this turn; empty when done. */
  next(done: readonly ToolExchange[]): Call[];
  answer(done: readonly ToolExchange[]): string;
}
