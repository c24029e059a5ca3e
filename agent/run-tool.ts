// The one gate every surface uses to run a catalog tool on someone's behalf: read-only and other
// ungated tools run through `invokeTool`; a tool that needs approval becomes a pending action.
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import type { PendingAction } from '../core/views.ts';
import {
  type AnyTool,
  invokeTool,
  parseToolInput,
  requiresApproval,
  type ToolContext,
} from '../tools/define-tool.ts';

export type GatedResult =
  | { kind: 'result'; output: unknown }
  | { kind: 'pending'; action: PendingAction };

export async function runToolGated(
  tool: AnyTool,
  rawInput: unknown,
  deps: Deps,
  ctx: ToolContext,
): Promise<GatedResult> {
  if (!ctx.approval && (await requiresApproval(tool, parseToolInput(tool, rawInput), deps))) {
    if (!ctx.conversationId) {
      throw new AppError(
        'invalid_input',
        `${tool.name} needs a person's approval, which is bound to a conversation: pass a conversation id`,
      );
    }
    ctx.signal?.throwIfAborted();
    const action = await deps.approvalGate.request({
      tool,
      input: rawInput,
      conversationId: ctx.conversationId,
      requestedBy: ctx.actor,
    });
    return { kind: 'pending', action };
  }
  return { kind: 'result', output: await invokeTool(tool, rawInput, deps, ctx) };
}
