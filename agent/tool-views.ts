// The view of one tool call's result, for the surfaces that show results as they arrive (the web
// chat's stream, Slack's answers): the tool's own view, or the pending action a gated call became.
import type { PendingAction, View } from '../core/views.ts';
import { views } from '../core/views.ts';
import { type AnyTool, parseToolInput } from '../tools/define-tool.ts';

export interface CallView {
  view?: View;
  /** The tool's title, for a label. */
  title?: string;
}

export function pendingOf(output: unknown): PendingAction | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const p = (output as { pending?: unknown }).pending;
  return p && typeof p === 'object' && 'id' in p && 'summary' in p
    ? (p as PendingAction)
    : undefined;
}

/** The view of one tool result, or none when the tool has no view or its output does not fit it. */
export function callView(
  tools: readonly AnyTool[],
  name: string,
  input: unknown,
  output: unknown,
): CallView {
  const tool = tools.find((t) => t.name === name);
  const pending = pendingOf(output);
  if (pending) return { view: views.pending(pending), title: tool?.title ?? name };
  if (!tool?.view) return { title: tool?.title ?? name };
  try {
    let parsed: unknown = input;
    try {
      parsed = parseToolInput(tool, input);
    } catch {
      // The raw input still serves most views.
    }
    return { view: tool.view(output as never, parsed as never), title: tool.title ?? name };
  } catch {
    return { title: tool.title ?? name };
  }
}
