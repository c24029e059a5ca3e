// Model selection from configuration:
//   OPENAI_BASE_URL set  → an OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio) over
//                          Chat Completions, which is what those servers speak;
//   OPENAI_API_KEY only  → OpenAI's Responses API;
//   neither              → the built-in offline planner, behind the same model interface.
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { LanguageModel } from 'ai';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { createOfflinePlanner } from './offline-planner/model.ts';
import { type RetryOptions, withRetries } from './retry.ts';

/** A current small model: cheap, fast and good at tool calling. */
export const DEFAULT_OPENAI_MODEL = 'gpt-5-mini';
export const OPENAI_API_URL = 'https://api.openai.com/v1';

export type ModelKind = 'openai' | 'openai-compatible' | 'offline';

export interface ModelChoice {
  model: LanguageModel;
  /** What TurnResult.model reports: 'offline-planner', 'openai:gpt-5-mini', 'openai-compatible:llama3.1'. */
  id: string;
  kind: ModelKind;
}

export function selectModel(
  config: Config,
  opts: { tools: readonly AnyTool[]; retry?: RetryOptions; log?: Logger },
): ModelChoice {
  const { apiKey, baseUrl, model } = config.llm;
  const onRetry = opts.log
    ? (i: { attempt: number; delayMs: number; kind: string; status?: number }) =>
        opts.log?.warn(i, 'model call failed; retrying')
    : undefined;
  if (baseUrl) {
    if (!model) {
      throw new AppError(
        'config',
        'OPENAI_BASE_URL is set, so OPENAI_MODEL must name a model that server serves (e.g. "llama3.1")',
      );
    }
    // Local servers usually ignore the key, but the client insists on sending one.
    const provider = createOpenAI({
      baseURL: baseUrl,
      apiKey: apiKey ?? 'unused',
      name: 'openai-compatible',
    });
    return {
      model: withRetries(provider.chat(model), opts.retry, onRetry),
      id: `openai-compatible:${model}`,
      kind: 'openai-compatible',
    };
  }
  if (apiKey) {
    const id = model ?? DEFAULT_OPENAI_MODEL;
    // The base URL is explicit so a stray empty OPENAI_BASE_URL in the environment cannot leak in.
    const provider = createOpenAI({ baseURL: OPENAI_API_URL, apiKey });
    return {
      model: withRetries(provider.responses(id), opts.retry, onRetry),
      id: `openai:${id}`,
      kind: 'openai',
    };
  }
  return {
    model: createOfflinePlanner({ tools: opts.tools }),
    id: 'offline-planner',
    kind: 'offline',
  };
}

/** The id TurnResult reports for a model handed in directly (tests, benchmarks, other surfaces). */
export function describeModel(model: LanguageModel): string {
  if (typeof model === 'string') return model;
  if (model.modelId === 'offline-planner') return 'offline-planner';
  const provider = model.provider.split('.')[0] ?? model.provider;
  return `${provider}:${model.modelId}`;
}

export type { LanguageModelV4 };
