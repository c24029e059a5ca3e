// Reads an AI SDK prompt into turns: what the user asked, which tools ran for it and what they
// returned. The planner decides from the user's words only; tool outputs are data it reports on.
import type { LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import { readToolFailure } from '../../core/errors.ts';

export interface ToolExchange {
  toolCallId: string;
  toolName: string;
  input: Record<string, unknown>;
  /** Parsed JSON (or plain text) output, when the tool succeeded. */
  output?: unknown;
  /** The error text the tool reported, when it failed. */
  error?: string;
  /** Its code (not_found, invalid_input, approval_required, …), when the tool gave one. */
  errorCode?: string;
  /** Set when a person (or the approval gate) refused to run the call. */
  denied?: string;
}

export interface Turn {
  /** The user's message; empty when the prompt holds none. */
  user: string;
  /** Text the assistant wrote during this turn. */
  assistant: string;
  exchanges: ToolExchange[];
  /** Assistant messages in this turn, i.e. model steps already taken. */
  steps: number;
}

export interface Conversation {
  /** The turn being answered now (the last user message and what followed it). */
  current: Turn;
  /** Earlier turns, oldest first. */
  earlier: Turn[];
  /** Every tool call id in the prompt, so new ids never collide. */
  toolCallCount: number;
  /** The system instructions (they carry the library context: known campaigns and channels). */
  system: string;
}

const emptyTurn = (user = ''): Turn => ({ user, assistant: '', exchanges: [], steps: 0 });

export function readPrompt(prompt: LanguageModelV4Prompt): Conversation {
  const turns: Turn[] = [];
  const byCallId = new Map<string, ToolExchange>();
  let toolCallCount = 0;
  let turn = emptyTurn();
  let started = false;
  const current = () => {
    if (!started) {
      turns.push(turn);
      started = true;
    }
    return turn;
  };
  let system = '';
  for (const m of prompt) {
    if (m.role === 'system') {
      system += (system ? '\n' : '') + m.content;
      continue;
    }
    if (m.role === 'user') {
      const text = m.content
        .flatMap((p) => (p.type === 'text' ? [p.text] : []))
        .join('\n')
        .trim();
      turn = emptyTurn(text);
      started = false;
      current();
      continue;
    }
    const t = current();
    if (m.role === 'assistant') {
      t.steps++;
      for (const p of m.content) {
        if (p.type === 'text') t.assistant += (t.assistant ? '\n' : '') + p.text;
        else if (p.type === 'tool-call') {
          toolCallCount++;
          const ex: ToolExchange = {
            toolCallId: p.toolCallId,
            toolName: p.toolName,
            input: asInput(p.input),
          };
          t.exchanges.push(ex);
          byCallId.set(p.toolCallId, ex);
        } else if (p.type === 'tool-result')
          attachResult(byCallId, t, p.toolCallId, p.toolName, p.output);
      }
      continue;
    }
    for (const p of m.content) {
      if (p.type === 'tool-result') attachResult(byCallId, t, p.toolCallId, p.toolName, p.output);
      else if (p.type === 'tool-approval-response' && !p.approved) {
        for (const ex of t.exchanges)
          if (ex.output === undefined && !ex.error) ex.denied ??= p.reason ?? 'denied';
      }
    }
  }
  return {
    current: turns.at(-1) ?? emptyTurn(),
    earlier: turns.slice(0, -1),
    toolCallCount,
    system,
  };
}

function asInput(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      return asInput(JSON.parse(v));
    } catch {
      return {};
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function attachResult(
  byCallId: Map<string, ToolExchange>,
  turn: Turn,
  toolCallId: string,
  toolName: string,
  output: LanguageModelV4ToolResultOutput,
) {
  let ex = byCallId.get(toolCallId);
  if (!ex) {
    ex = { toolCallId, toolName, input: {} };
    byCallId.set(toolCallId, ex);
    turn.exchanges.push(ex);
  }
  switch (output.type) {
    case 'json':
      ex.output = output.value;
      break;
    case 'text':
      ex.output = maybeJson(output.value);
      break;
    case 'error-text': {
      const f = readToolFailure(output.value);
      ex.error = f?.message ?? output.value;
      if (f) ex.errorCode = f.code;
      break;
    }
    case 'error-json':
      ex.error = errorText(output.value);
      break;
    case 'execution-denied':
      ex.denied = output.reason ?? 'denied';
      break;
    case 'content':
      ex.output = maybeJson(
        output.value.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n'),
      );
      break;
  }
}

function maybeJson(s: string): unknown {
  const t = s.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return s;
    }
  }
  return s;
}

function errorText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'message' in v && typeof v.message === 'string')
    return v.message;
  return JSON.stringify(v);
}
