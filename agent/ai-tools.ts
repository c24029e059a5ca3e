// The catalog as AI SDK tools. Input is deliberately not validated by the AI SDK: every call goes
// through runToolGated → invokeTool, so validation, the result budget and approvals stay central,
// and a bad argument comes back to the model as a tool error it can read and correct.
import { type JSONSchema7, jsonSchema, type ToolSet } from 'ai';
import { z } from 'zod';
import type { Deps } from '../core/deps.ts';
import { isAppError, ToolFailure } from '../core/errors.ts';
import type { AnyTool, ToolContext } from '../tools/define-tool.ts';
import type { PendingAction } from './approvals.ts';
import { runToolGated } from './run-tool.ts';

const schemas = new WeakMap<AnyTool, JSONSchema7>();

function inputJsonSchema(tool: AnyTool): JSONSchema7 {
  let s = schemas.get(tool);
  if (!s) {
    s = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as JSONSchema7;
    delete (s as { $schema?: string }).$schema;
    schemas.set(tool, s);
  }
  return s;
}

/**
 * What the model sees instead of a result when a call became a pending action: the one
 * PendingAction shape every surface (agent, MCP, HTTP) uses, and what it means.
 */
export function pendingOutput(action: PendingAction) {
  return {
    pending: action,
    changed: false,
    note: 'Nothing has changed yet. A person must approve this action by its id before it runs; tell the user what it would do.',
  };
}

export interface ToolCallTiming {
  name: string;
  /** Time inside the gate: validation, the tool's run and output checks, or storing the pending action. */
  ms: number;
  outcome: 'result' | 'pending' | 'error';
}

export function toAiTools(
  tools: readonly AnyTool[],
  deps: Deps,
  ctx: Omit<ToolContext, 'signal' | 'approval'>,
  onPending: (a: PendingAction) => void,
  onTiming?: (t: ToolCallTiming) => void,
): ToolSet {
  const set: ToolSet = {};
  for (const t of tools) {
    const gated = t.annotations.needsApproval
      ? " Needs a person's approval: calling it only creates a pending action; nothing changes until they approve."
      : '';
    set[t.name] = {
      description: `${t.description}${gated}`,
      inputSchema: jsonSchema(inputJsonSchema(t)),
      execute: async (input: unknown, { abortSignal }: { abortSignal?: AbortSignal }) => {
        const started = performance.now();
        try {
          const r = await runToolGated(t, input, deps, { ...ctx, signal: abortSignal });
          onTiming?.({ name: t.name, ms: performance.now() - started, outcome: r.kind });
          if (r.kind === 'pending') {
            onPending(r.action);
            return pendingOutput(r.action);
          }
          return r.output;
        } catch (e) {
          onTiming?.({ name: t.name, ms: performance.now() - started, outcome: 'error' });
          if (abortSignal?.aborted) throw e;
          // The code travels with the message, so no one downstream parses text for meaning.
          if (isAppError(e)) throw new ToolFailure(e.code, e.message);
          // Unexpected faults are logged in full; the model only learns that the tool failed.
          deps.log.error({ err: e, tool: t.name }, 'tool failed');
          throw new ToolFailure('internal', `${t.name} failed with an internal error`);
        }
      },
    };
  }
  return set;
}
