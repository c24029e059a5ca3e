// The agent loop: one user turn = multi-step tool calling over the catalog with a step limit,
// conversation memory in SurrealDB, approvals for side effects, and failures that end the turn
// with a readable answer instead of an exception. `run` and `stream` share one code path.
import { APICallError } from '@ai-sdk/provider';
import { generateText, isStepCount, type LanguageModel, type ModelMessage, streamText } from 'ai';
import type { Deps } from '../core/deps.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { parseConversationId } from '../store/conversations.repository.ts';
import { newId } from '../store/ids.ts';
import type { Actor, AnyTool } from '../tools/define-tool.ts';
import { type ToolCallTiming, toAiTools } from './ai-tools.ts';
import type { PendingAction } from './approvals.ts';
import { loadMemory } from './memory.ts';
import { describeModel, selectModel } from './model.ts';
import { ModelCallError, type RetryOptions } from './retry.ts';
import { type LibraryContext, systemPrompt } from './system-prompt.ts';

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

export const MAX_MESSAGE_CHARS = 20_000;

export function createAgent(deps: Deps, opts: AgentOptions = {}): Agent {
  const tools = opts.tools ?? deps.tools;
  const choice = opts.model
    ? { model: opts.model, id: describeModel(opts.model) }
    : selectModel(deps.config, { tools, retry: opts.retry, log: deps.log });
  const maxSteps = opts.maxSteps ?? deps.config.llm.maxSteps;
  const memoryTokens = opts.memoryTokens ?? deps.config.llm.memoryTokens;

  // Campaign and channel names change rarely: read them at most every few seconds, not per turn.
  let library: { at: number; value: Promise<LibraryContext> } | undefined;
  const libraryContext = (): Promise<LibraryContext> => {
    if (!library || Date.now() - library.at > 5_000) {
      const value = Promise.all([deps.catalog.campaigns(), deps.catalog.channels()]).then(
        ([campaigns, channels]) => ({
          campaigns: campaigns.map((c) => ({ name: c.name, slug: c.slug })),
          channels: channels.map((c) => c.slug),
        }),
      );
      // A failed read is retried on the next turn rather than cached.
      value.catch(() => {
        library = undefined;
      });
      library = { at: Date.now(), value };
    }
    return library.value;
  };

  async function turn(
    t: TurnInput,
    driver: 'generate' | 'stream',
    emit: (e: AgentEvent) => void,
  ): Promise<TurnResult> {
    const message = validateMessage(t.message);
    const conversationId = t.conversationId ? parseConversationId(t.conversationId) : newId();
    const [memory, lib] = await Promise.all([
      loadMemory(deps.conversations, conversationId, memoryTokens),
      libraryContext(),
    ]);
    const userMessage: ModelMessage = { role: 'user', content: message };
    const started = performance.now();
    const pending: PendingAction[] = [];
    const settings = {
      model: choice.model,
      instructions: systemPrompt({ tools, library: lib }),
      messages: [...memory.messages, userMessage],
      tools: toAiTools(
        tools,
        deps,
        { actor: t.actor, conversationId },
        (action: PendingAction) => {
          pending.push(action);
          emit({ type: 'pending', action });
        },
        opts.onToolCall,
      ),
      // A pending action ends the turn: the model must not act on a change that has not happened.
      stopWhen: [isStepCount(maxSteps), () => pending.length > 0],
      // Retries live in the model wrapper (agent/retry.ts), which knows about timeouts and Retry-After.
      maxRetries: 0,
      abortSignal: t.signal,
    };
    // Non-streaming turns use generateText: the same loop without the stream machinery.
    const o = driver === 'stream' ? await viaStream(settings, emit) : await viaGenerate(settings);
    const { calls, texts } = o;
    const aborted = o.aborted || t.signal?.aborted === true;

    let finishReason: string;
    let note: string | undefined;
    let responseMessages: ModelMessage[] = [];
    if (aborted) {
      finishReason = 'aborted';
      note = 'Cancelled before I finished; nothing else was done.';
    } else if (o.failure !== undefined) {
      finishReason = 'error';
      note = describeFailure(o.failure);
      deps.log.warn({ err: o.failure, conversationId, model: choice.id }, 'agent turn failed');
    } else {
      responseMessages = o.responseMessages;
      if (pending.length) {
        finishReason = 'pending-approval';
        note = pendingNote(pending);
      } else if (o.finishReason === 'tool-calls') {
        finishReason = 'step-limit';
        note = `I stopped after ${maxSteps} steps without a final answer. Ask me to continue, or narrow the question.`;
      } else {
        finishReason = o.finishReason;
        if (texts.length === 0) note = 'I have no answer to that.';
      }
    }
    if (pending.length && finishReason !== 'pending-approval') {
      // The turn failed after asking for approvals: they are stored and still need a decision.
      note = `${note ?? ''}\n\n${pendingNote(pending)}`.trim();
    }
    if (note) {
      emit({ type: 'text', delta: texts.length ? `\n\n${note}` : note });
      texts.push(note);
    }
    const answer = texts.join('\n\n');

    // A failed or cancelled turn keeps only the question and what was said, never half a tool
    // exchange, so the next turn's prompt stays valid for every provider.
    const toStore: ModelMessage[] = [userMessage, ...responseMessages];
    if (note || responseMessages.length === 0) {
      toStore.push({ role: 'assistant', content: [{ type: 'text', text: note ?? answer }] });
    }
    try {
      await deps.conversations.append(conversationId, toStore, { lastSeq: memory.lastSeq });
    } catch (e) {
      deps.log.error({ err: e, conversationId }, 'could not save the turn to conversation memory');
    }

    const out: TurnResult = {
      answer,
      toolCalls: [...calls.values()],
      model: choice.id,
      conversationId,
      pending,
      finishReason,
    };
    deps.log.debug(
      {
        conversationId,
        model: choice.id,
        tools: out.toolCalls.map((c) => c.name),
        finishReason,
        ms: Math.round(performance.now() - started),
      },
      'agent turn',
    );
    return out;
  }

  return {
    model: choice.id,
    run: (t) => turn(t, 'generate', () => {}),
    stream(t) {
      const channel = new Channel<AgentEvent>();
      const result = turn(t, 'stream', (e) => channel.push(e)).then(
        (r) => {
          channel.push({ type: 'done', result: r });
          channel.close();
          return r;
        },
        (e: unknown) => {
          channel.fail(e);
          throw e;
        },
      );
      // The caller may only read the events; a rejection still reaches whoever awaits `result`.
      result.catch(() => {});
      return {
        events: channel,
        textStream: textOnly(channel),
        result,
      };
    },
  };
}

type TurnSettings = Parameters<typeof generateText>[0] & Parameters<typeof streamText>[0];

interface DriverOutcome {
  calls: Map<string, ToolCallRecord>;
  /** Text of each step that wrote some, in order. */
  texts: string[];
  failure?: unknown;
  aborted: boolean;
  responseMessages: ModelMessage[];
  finishReason: string;
}

const emptyOutcome = (): DriverOutcome => ({
  calls: new Map(),
  texts: [],
  aborted: false,
  responseMessages: [],
  finishReason: 'other',
});

async function viaGenerate(settings: TurnSettings): Promise<DriverOutcome> {
  const o = emptyOutcome();
  try {
    const r = await generateText({
      ...settings,
      // Steps are collected as they end, so a failure in a later step still reports earlier calls.
      onStepEnd: (step) => {
        for (const part of step.content) {
          if (part.type === 'tool-call')
            o.calls.set(part.toolCallId, { name: part.toolName, input: part.input });
          else if (part.type === 'tool-result') {
            const rec = o.calls.get(part.toolCallId);
            if (rec) rec.output = part.output;
          } else if (part.type === 'tool-error') {
            const rec = o.calls.get(part.toolCallId);
            if (rec) rec.error = errorText(part.error);
          }
        }
        if (step.text.trim()) o.texts.push(step.text.trim());
      },
    });
    o.responseMessages = r.responseMessages;
    o.finishReason = r.finishReason;
  } catch (e) {
    if (settings.abortSignal?.aborted) o.aborted = true;
    else o.failure = e;
  }
  return o;
}

async function viaStream(
  settings: TurnSettings,
  emit: (e: AgentEvent) => void,
): Promise<DriverOutcome> {
  const o = emptyOutcome();
  let stepText = '';
  const result = streamText({ ...settings, onError: () => {} });
  try {
    for await (const part of result.stream) {
      switch (part.type) {
        case 'text-delta':
          if (!part.text) break;
          if (stepText === '' && o.texts.length > 0) emit({ type: 'text', delta: '\n\n' });
          stepText += part.text;
          emit({ type: 'text', delta: part.text });
          break;
        case 'finish-step':
          if (stepText.trim()) o.texts.push(stepText.trim());
          stepText = '';
          break;
        case 'tool-call':
          o.calls.set(part.toolCallId, { name: part.toolName, input: part.input });
          emit({ type: 'tool-call', id: part.toolCallId, name: part.toolName, input: part.input });
          break;
        case 'tool-result': {
          const rec = o.calls.get(part.toolCallId);
          if (rec) rec.output = part.output;
          emit({
            type: 'tool-result',
            id: part.toolCallId,
            name: part.toolName,
            output: part.output,
          });
          break;
        }
        case 'tool-error': {
          const error = errorText(part.error);
          const rec = o.calls.get(part.toolCallId);
          if (rec) rec.error = error;
          emit({ type: 'tool-result', id: part.toolCallId, name: part.toolName, error });
          break;
        }
        case 'error':
          o.failure = part.error;
          break;
        case 'abort':
          o.aborted = true;
          break;
      }
    }
    if (stepText.trim()) o.texts.push(stepText.trim());
    if (o.failure === undefined && !o.aborted) {
      o.responseMessages = await result.responseMessages;
      o.finishReason = await result.finishReason;
    }
  } catch (e) {
    if (settings.abortSignal?.aborted) o.aborted = true;
    else if (o.failure === undefined) o.failure = e;
  }
  return o;
}

function validateMessage(message: unknown): string {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new AppError('invalid_input', 'the message is empty');
  }
  if (message.length > MAX_MESSAGE_CHARS) {
    throw new AppError(
      'invalid_input',
      `the message is ${message.length} characters; the limit is ${MAX_MESSAGE_CHARS}`,
    );
  }
  return message;
}

function pendingNote(pending: PendingAction[]): string {
  const lines = pending.map((a) => `- ${a.summary} (approval id ${a.id})`);
  const them = pending.length === 1 ? 'it' : 'them';
  return `This needs your approval before anything changes:\n${lines.join('\n')}\nApprove or deny ${them} to continue; until then nothing has been changed.`;
}

function errorText(e: unknown): string {
  if (isAppError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The answer of a turn that failed: what happened, in words a person can act on. */
export function describeFailure(e: unknown): string {
  if (e instanceof ModelCallError) return e.message;
  if (isAppError(e)) return `I could not finish: ${e.message}`;
  if (APICallError.isInstance(e)) {
    return `The language model provider returned an error${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}; please try again.`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `Something went wrong while preparing the answer (${msg.slice(0, 200)}). Please try again.`;
}

/** An append-only event log that any number of readers can iterate from the start. */
class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private error: { e: unknown } | undefined;
  private waiters: (() => void)[] = [];

  push(x: T) {
    this.items.push(x);
    this.wake();
  }
  close() {
    this.closed = true;
    this.wake();
  }
  fail(e: unknown) {
    this.error = { e };
    this.close();
  }
  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let i = 0;
    for (;;) {
      if (i < this.items.length) {
        yield this.items[i++]!;
        continue;
      }
      if (this.error) throw this.error.e;
      if (this.closed) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

async function* textOnly(events: AsyncIterable<AgentEvent>): AsyncIterable<string> {
  for await (const e of events) if (e.type === 'text') yield e.delta;
}
