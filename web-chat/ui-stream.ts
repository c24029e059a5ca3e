// The agent's turn as the AI SDK UI message stream, and a stored conversation as UI messages. Tool
// parts carry the tool's view, so the browser renders the same views as every other surface; raw
// tool outputs (large, and written for the model) never reach the page.
import type { ModelMessage, UIMessageChunk } from 'ai';
import type { AgentEvent } from '../agent/agent.ts';
import { callView } from '../agent/tool-views.ts';
import { readToolFailure } from '../core/errors.ts';
import type { PendingAction, View } from '../core/views.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import type { ChatMessage, ToolView } from './chat-types.ts';

/** How an attachment travels inside the user's message text, for the model and for history. */
export const attachmentMarker = (uploadId: string) => `[attached image upload:${uploadId}]`;
const MARKER = /\s*\[attached image upload:([a-z0-9][a-z0-9_-]{1,63})\]/g;

/** The chunks of one turn, in the order the events came. */
export async function* turnChunks(
  events: AsyncIterable<AgentEvent>,
  tools: readonly AnyTool[],
  opts: { messageId: string; model: string },
): AsyncGenerator<UIMessageChunk> {
  yield { type: 'start', messageId: opts.messageId, messageMetadata: { model: opts.model } };
  const inputs = new Map<string, unknown>();
  let text: string | null = null;
  let n = 0;
  const closeText = function* (): Generator<UIMessageChunk> {
    if (text !== null) yield { type: 'text-end', id: text };
    text = null;
  };
  for await (const e of events) {
    switch (e.type) {
      case 'text':
        if (!e.delta) break;
        if (text === null) {
          text = `t${n++}`;
          yield { type: 'text-start', id: text };
        }
        yield { type: 'text-delta', id: text, delta: e.delta };
        break;
      case 'tool-call':
        yield* closeText();
        inputs.set(e.id, e.input);
        yield {
          type: 'tool-input-available',
          toolCallId: e.id,
          toolName: e.name,
          input: e.input,
          dynamic: true,
        };
        break;
      case 'tool-result':
        yield* closeText();
        if (e.error !== undefined) {
          yield { type: 'tool-output-error', toolCallId: e.id, errorText: e.error, dynamic: true };
        } else {
          yield {
            type: 'tool-output-available',
            toolCallId: e.id,
            output: callView(tools, e.name, inputs.get(e.id), e.output),
            dynamic: true,
          };
        }
        break;
      case 'pending':
        // The call's own result carries the pending action as a view.
        break;
      case 'done':
        yield* closeText();
        yield {
          type: 'finish',
          messageMetadata: { model: opts.model, finishReason: e.result.finishReason },
        };
        return;
    }
  }
  yield* closeText();
}

/** The user's words and the ids of the images they attached, from a stored message text. */
export function splitAttachments(text: string): { text: string; uploads: string[] } {
  const uploads = [...text.matchAll(MARKER)].map((m) => m[1]!);
  return { text: text.replace(MARKER, '').trim(), uploads };
}

type ToolPart = Extract<ChatMessage['parts'][number], { type: 'dynamic-tool' }>;

export interface HistoryOptions {
  tools: readonly AnyTool[];
  model?: string;
  uploadUrl: (id: string) => string;
  /** The current state of a pending action (approved, executed…), and the view of its result. */
  action?: (id: string) => Promise<{ action: PendingAction; view?: View } | null>;
}

/**
 * Stored model messages as UI messages: one user message per question, one assistant message per
 * answer with its text and tool parts in order. Pending actions show their current status, and the
 * notes recorded when one was decided are folded into that action's card instead of repeated.
 */
export async function historyToUi(
  messages: readonly { seq: number; message: ModelMessage }[],
  opts: HistoryOptions,
): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  const toolParts = new Map<string, ToolPart>();
  const actions = new Set<string>();
  let current: ChatMessage | null = null;
  const assistant = (seq: number): ChatMessage => {
    if (!current) {
      current = {
        id: `m${seq}`,
        role: 'assistant',
        parts: [],
        metadata: opts.model ? { model: opts.model } : {},
      };
      out.push(current);
    }
    return current;
  };
  for (const { seq, message: m } of messages) {
    if (m.role === 'system') continue;
    if (m.role === 'user') {
      current = null;
      const raw =
        typeof m.content === 'string'
          ? m.content
          : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
      const { text, uploads } = splitAttachments(raw);
      out.push({
        id: `m${seq}`,
        role: 'user',
        parts: [
          ...uploads.map((u) => ({
            type: 'file' as const,
            mediaType: 'image/*',
            url: opts.uploadUrl(u),
            filename: `upload:${u}`,
          })),
          ...(text ? [{ type: 'text' as const, text }] : []),
        ],
      });
      continue;
    }
    if (m.role === 'assistant') {
      const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
      for (const p of parts as { type: string; [k: string]: unknown }[]) {
        if (p.type === 'text' && typeof p.text === 'string' && p.text.trim()) {
          // The note written when a person decided an action shown above: the card says it
          // (its status, what it did, or why it failed).
          const decided = /^Approval ([a-z0-9][a-z0-9_-]{1,63}) \(/.exec(p.text);
          if (decided && actions.has(decided[1]!)) continue;
          assistant(seq).parts.push({ type: 'text', text: p.text, state: 'done' });
        } else if (p.type === 'tool-call') {
          const part: ToolPart = {
            type: 'dynamic-tool',
            toolName: String(p.toolName),
            toolCallId: String(p.toolCallId),
            state: 'input-available',
            input: p.input,
          };
          toolParts.set(part.toolCallId, part);
          assistant(seq).parts.push(part);
        }
      }
      continue;
    }
    if (m.role === 'tool') {
      for (const r of m.content) {
        if (r.type !== 'tool-result') continue;
        const part = toolParts.get(r.toolCallId);
        if (!part) continue;
        const o = r.output as { type: string; value?: unknown };
        if (o.type === 'json' || o.type === 'text') {
          const shown: ToolView = callView(opts.tools, part.toolName, part.input, o.value);
          if (shown.view?.kind === 'pending' && opts.action) {
            const id = shown.view.action.id;
            actions.add(id);
            const now = await opts.action(id).catch(() => null);
            if (now) shown.view = { kind: 'pending', action: now.action };
            if (now?.view) shown.result = now.view;
          }
          Object.assign(part, { state: 'output-available', output: shown });
        } else {
          // Stored as the model saw it ({"error":{code,message}}): the person reads the sentence.
          const raw =
            typeof o.value === 'string' ? o.value : o.type === 'execution-denied' ? 'denied' : '';
          const errorText = readToolFailure(raw)?.message ?? raw;
          Object.assign(part, { state: 'output-error', errorText: errorText || 'the tool failed' });
        }
      }
    }
  }
  return out;
}
