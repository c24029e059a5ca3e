// The offline planner: a deterministic language model behind the AI SDK's model interface, so the
// agent loop, approvals and memory run the same code as with a hosted model. It routes the user's
// words to tool calls and writes the answer from the tool results; it never reads intent from
// tool results (asset text is data).
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import type { AnyTool } from '../../tools/define-tool.ts';
import { splitName } from './args.ts';
import { type PlannedStep, planStep, type ToolInfo, toolInfo } from './planner.ts';
import { readPrompt } from './prompt.ts';

export const OFFLINE_PLANNER_PROVIDER = 'curator';
export const OFFLINE_PLANNER_MODEL_ID = 'offline-planner';

export interface OfflinePlannerOptions {
  /** The tool catalog; its zod schemas and annotations drive routing and argument extraction. */
  tools: readonly AnyTool[];
  /** Clock for relative dates ("last 7 days"); fixed in tests for determinism. */
  now?: () => Date;
}

export function createOfflinePlanner(opts: OfflinePlannerOptions): LanguageModelV4 {
  const catalog = new Map<string, ToolInfo>(opts.tools.map((t) => [t.name, toolInfo(t)]));
  const now = opts.now ?? (() => new Date());

  const decide = (options: LanguageModelV4CallOptions) => {
    const conv = readPrompt(options.prompt);
    const tools = availableTools(catalog, options);
    const step = planStep(conv, tools, { now: now() });
    const callIdBase = `ofp_${conv.earlier.length + 1}_${conv.toolCallCount}`;
    return { step, callIdBase };
  };

  return {
    specificationVersion: 'v4',
    provider: OFFLINE_PLANNER_PROVIDER,
    modelId: OFFLINE_PLANNER_MODEL_ID,
    supportedUrls: {},

    async doGenerate(options): Promise<LanguageModelV4GenerateResult> {
      options.abortSignal?.throwIfAborted();
      const { step, callIdBase } = decide(options);
      const content: LanguageModelV4Content[] = [];
      if (step.text) content.push({ type: 'text', text: step.text });
      step.calls.forEach((c, i) => {
        content.push({
          type: 'tool-call',
          toolCallId: `${callIdBase}_${i}`,
          toolName: c.toolName,
          input: JSON.stringify(c.input),
        });
      });
      return {
        content,
        finishReason: finishReason(step),
        usage: usage(options, step),
        providerMetadata: metadata(step),
        response: { id: callIdBase, timestamp: now(), modelId: OFFLINE_PLANNER_MODEL_ID },
        warnings: [],
      };
    },

    async doStream(options) {
      options.abortSignal?.throwIfAborted();
      const { step, callIdBase } = decide(options);
      const parts: LanguageModelV4StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        {
          type: 'response-metadata',
          id: callIdBase,
          timestamp: now(),
          modelId: OFFLINE_PLANNER_MODEL_ID,
        },
      ];
      if (step.text) {
        const id = `${callIdBase}_text`;
        parts.push({ type: 'text-start', id });
        // Line by line, so a chat surface can render the answer as it arrives.
        for (const delta of step.text.split(/(?<=\n)/))
          parts.push({ type: 'text-delta', id, delta });
        parts.push({ type: 'text-end', id, providerMetadata: metadata(step) });
      }
      step.calls.forEach((c, i) => {
        const id = `${callIdBase}_${i}`;
        const input = JSON.stringify(c.input);
        parts.push(
          { type: 'tool-input-start', id, toolName: c.toolName },
          { type: 'tool-input-delta', id, delta: input },
          { type: 'tool-input-end', id },
          { type: 'tool-call', toolCallId: id, toolName: c.toolName, input },
        );
      });
      parts.push({
        type: 'finish',
        finishReason: finishReason(step),
        usage: usage(options, step),
        providerMetadata: metadata(step),
      });
      const signal = options.abortSignal;
      let i = 0;
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        pull(controller) {
          if (signal?.aborted) {
            controller.error(signal.reason);
            return;
          }
          const p = parts[i++];
          if (p) controller.enqueue(p);
          else controller.close();
        },
      });
      return { stream };
    },
  };
}

/** The catalog tools this call offers (by name), honouring toolChoice. */
function availableTools(
  catalog: Map<string, ToolInfo>,
  options: LanguageModelV4CallOptions,
): ToolInfo[] {
  const choice = options.toolChoice;
  if (choice?.type === 'none') return [];
  const offered = options.tools?.flatMap((t) => (t.type === 'function' ? [t] : []));
  let tools: ToolInfo[];
  if (!offered) tools = [...catalog.values()];
  else {
    // A tool the caller offers but the catalog does not know is still usable through its JSON schema.
    tools = offered.map(
      (t) =>
        catalog.get(t.name) ?? {
          name: t.name,
          description: t.description ?? '',
          annotations: {},
          schema: t.inputSchema as ToolInfo['schema'],
          examples: [{ say: splitName(t.name).join(' ') }],
        },
    );
  }
  if (choice?.type === 'tool') tools = tools.filter((t) => t.name === choice.toolName);
  return tools;
}

function finishReason(step: PlannedStep): LanguageModelV4FinishReason {
  return step.calls.length
    ? { unified: 'tool-calls', raw: 'tool_calls' }
    : { unified: 'stop', raw: 'stop' };
}

function metadata(step: PlannedStep): SharedV4ProviderMetadata {
  return { curator: { planner: 'offline', intent: step.intent } };
}

// Rough token counts (4 characters a token) so memory budgets and logs have a figure to work with.
function usage(options: LanguageModelV4CallOptions, step: PlannedStep): LanguageModelV4Usage {
  const inChars = JSON.stringify(options.prompt).length;
  const outChars = (step.text?.length ?? 0) + JSON.stringify(step.calls).length;
  const input = Math.ceil(inChars / 4);
  const output = Math.ceil(outChars / 4);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}
