// A tool is a thin, typed adapter over a domain module. The agent, the MCP server and the HTTP
// surfaces all run tools through `invokeTool`, so validation and the approval gate live in one place.
import { z } from 'zod';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';

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

/** What a pending action will touch, resolved when it is requested. */
export interface Prepared {
  targets: string[];
  /** One line a person can judge: "Set status of 93 assets (campaign Summer Sale: …) to …". */
  summary: string;
}

export type ToolDeps = Deps;

export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title?: string;
  description: string;
  annotations: ToolAnnotations;
  input: I;
  output: O;
  run(input: z.output<I>, deps: ToolDeps, ctx: ToolContext): Promise<z.input<O>> | z.input<O>;
  /** For tools that need approval: resolves the input to its exact targets and a summary. */
  prepare?(input: z.output<I>, deps: ToolDeps): Promise<Prepared>;
}

// biome-ignore lint/suspicious/noExplicitAny: the catalog holds tools of every input and output type
export type AnyTool = Tool<any, any>;

export function defineTool<I extends z.ZodType, O extends z.ZodType>(t: Tool<I, O>): Tool<I, O> {
  if (!/^[a-z]+(-[a-z]+)+$/.test(t.name))
    throw new Error(`tool name must be kebab-case verb-noun: ${t.name}`);
  return t;
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
  if (tool.annotations.needsApproval && !ctx.approval) {
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
