// The agent loop: one user turn = multi-step tool calling over the catalog with a step limit,
// conversation memory in SurrealDB, approvals for side effects, and failures that end the turn
// with a readable answer instead of an exception. `run` and `stream` share one code path; the
// drivers (drivers.ts), the event channel (channel.ts) and the failure text (failure-text.ts) are
// beside it.
import { isStepCount, type ModelMessage } from 'ai';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { parseConversationId } from '../store/conversations.repository.ts';
import { newId } from '../store/ids.ts';
import { toAiTools } from './ai-tools.ts';
import type { PendingAction } from './approvals.ts';
import { Channel, textOnly } from './channel.ts';
import { viaGenerate, viaStream } from './drivers.ts';
import { describeFailure, pendingNote } from './failure-text.ts';
import { loadMemory } from './memory.ts';
import { describeModel, selectModel } from './model.ts';
import { type LibraryContext, systemPrompt } from './system-prompt.ts';
import type { Agent, AgentEvent, AgentOptions, TurnInput, TurnResult } from './types.ts';

export { describeFailure } from './failure-text.ts';
export type {
  Agent,
  AgentEvent,
  AgentOptions,
  AgentStream,
  ToolCallRecord,
  TurnInput,
  TurnResult,
} from './types.ts';

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
