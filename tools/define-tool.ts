// A tool is a thin, typed adapter over a domain module. The agent, the MCP server and the HTTP
// surfaces all run tools through `invokeTool`, so validation and the approval gate live in one place.
import { z } from 'zod';
import type { Services } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { View } from '../core/views.ts';

export interface ToolAnnotations {
  /** Reads only; safe to call at will. */
  readOnly?: boolean;
  /** May destroy or overwrite data. */
  destructive?: boolean;
  /** Calling twice with the same input has the same effect as once. */
  idempotent?: boolean;
  /** Never runs on a model's word alone: a person approves the exact input first. */
  needsApproval?: boolean;
}

export interface Actor {
  id: string;
  surface: 'cli' | 'http' | 'mcp' | 'web' | 'slack' | 'agent' | 'test';
  name?: string;
}

export interface ToolContext {
  actor: Actor;
  conversationId?: string;
  signal?: AbortSignal;
  /** Set only by the approvals module when it executes an approved pending action. */
  approval?: {
    id: string;
    approvedBy: string;
    /** The exact assets resolved when the action was requested: what approval covers. */
    targets?: string[];
    /** Batches an interrupted run already committed. */
    startBatch?: number;
  };
}

/** What a tool works with: the domain services, never the database. */
export type ToolDeps = Services;

/**
 * Something people say to ask for this tool. Placeholders stand for entities found in a message:
 * {id}, {campaign}, {channel}, {locale}, {colour}, {count}, {date}, {text} (a quoted or trailing
 * phrase). `input` is the partial input the words imply; a value "{text}" takes the captured phrase.
 */
export interface ToolExample {
  say: string;
  input?: Record<string, unknown>;
}

/** How a tool takes part in a plan of several calls. */
export interface ToolPlan {
  /**
   * Kinds of words a message must hold for this tool to fit ('metric': words about performance,
   * "best-performing", "CTR"): "which hero images are approved" is a list, not a ranking.
   */
  needs?: string[];
  /** When no asset id is given but the message describes assets, list them first with this tool. */
  targetsFrom?: string;
  /** After the call, call this tool again for related assets when the message asks for them. */
  follow?: { when: RegExp; ids: (output: unknown) => string[] }[];
}

/** The line a person judges before approving, and the exact assets it covers when resolved. */
export interface Summary {
  text: string;
  targets?: string[];
}
export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title?: string;
  description: string;
  annotations: ToolAnnotations;
  input: I;
  output: O;
  run(input: z.output<I>, deps: ToolDeps, ctx: ToolContext): Promise<z.input<O>> | z.input<O>;
  /** Things people say to ask for this tool (the offline planner matches messages against them). */
  examples?: ToolExample[];
  /** A pending action in one line; may resolve the input to its exact targets first. */
  summarize?(input: z.output<I>, deps: ToolDeps): Promise<Summary> | Summary;
  /** True, or a rule on the input: a call that needs approval becomes a pending action. */
  needsApproval?: boolean | ((input: z.output<I>, deps: ToolDeps) => boolean | Promise<boolean>);
  /** The result as a view every surface can render. */
  view?(output: z.output<O>, input: z.output<I>): View;
  plan?: ToolPlan;
}

// biome-ignore lint/suspicious/noExplicitAny: the catalog holds tools of every input and output type
export type AnyTool = Tool<any, any>;

export function defineTool<I extends z.ZodType, O extends z.ZodType>(t: Tool<I, O>): Tool<I, O> {
  if (!/^[a-z]+(-[a-z]+)+$/.test(t.name))
    throw new Error(`tool name must be kebab-case verb-noun: ${t.name}`);
  // `annotations.needsApproval` says the tool may need approval (MCP clients and prompts read it).
  if (t.needsApproval) t.annotations = { ...t.annotations, needsApproval: true };
  return t;
}

/** Whether this call needs a person's approval before it runs. */
export async function requiresApproval(
  tool: AnyTool,
  input: unknown,
  deps: ToolDeps,
): Promise<boolean> {
  const rule = tool.needsApproval ?? tool.annotations.needsApproval;
  if (typeof rule === 'function') return Boolean(await rule(input, deps));
  return Boolean(rule);
}

/** Human-readable zod failure: "limit: must be at most 100; status: expected one of …". */
export function describeZodError(e: z.ZodError): string {
  return e.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

export function parseToolInput<I extends z.ZodType>(tool: Tool<I>, raw: unknown): z.output<I> {
  const parsed = tool.input.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new AppError(
      'invalid_input',
      `invalid arguments for ${tool.name}: ${describeZodError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** Results over this many characters of JSON are refused: a tool must paginate instead. */
export const RESULT_BUDGET_CHARS = 32_000;

/**
 * Validates input, enforces the approval gate, runs the tool and validates its output.
 * A tool that needs approval refuses to run unless `ctx.approval` is set by the approvals module.
 */
export async function invokeTool<I extends z.ZodType, O extends z.ZodType>(
  tool: Tool<I, O>,
  raw: unknown,
  deps: ToolDeps,
  ctx: ToolContext,
): Promise<z.output<O>> {
  const input = parseToolInput(tool, raw);
  if (!ctx.approval && (await requiresApproval(tool, input, deps))) {
    throw new AppError(
      'approval_required',
      `${tool.name} changes data and needs a person's approval first`,
    );
  }
  ctx.signal?.throwIfAborted();
  const result = await tool.run(input, deps, ctx);
  const out = tool.output.safeParse(result);
  if (!out.success) {
    throw new AppError(
      'internal',
      `${tool.name} produced an invalid result: ${describeZodError(out.error)}`,
    );
  }
  const size = JSON.stringify(out.data).length;
  if (size > RESULT_BUDGET_CHARS) {
    throw new AppError(
      'too_large',
      `${tool.name} result is ${size} characters; ask for fewer items`,
    );
  }
  return out.data;
}

export { z };
