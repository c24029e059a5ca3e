// The two ways a turn runs the AI SDK loop: generateText for plain turns, streamText when the
// surface shows the answer as it is written. Both collect the same outcome: tool calls, texts,
// the failure (if any) and the messages to remember.
import { generateText, type ModelMessage, streamText } from 'ai';
import { errorText } from './failure-text.ts';
import type { AgentEvent, ToolCallRecord } from './types.ts';

export type TurnSettings = Parameters<typeof generateText>[0] & Parameters<typeof streamText>[0];

export interface DriverOutcome {
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

export async function viaGenerate(settings: TurnSettings): Promise<DriverOutcome> {
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

export async function viaStream(
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
