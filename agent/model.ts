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
  const { baseUrl, model } = config.llm;
  const onRetry = opts.log
    ? (i: { attempt: number; delayMs: number; kind: string; status?: number }) =>
        opts.log?.warn(i, 'model call failed; retrying')
    : undefined;
  if (baseUrl && !model) {
    throw new AppError(
      'config',
      'OPENAI_BASE_URL is set, so OPENAI_MODEL must name a model that server serves (e.g. "llama3.1")',
    );
  }
  const remote = remoteModel(config.llm, model);
  if (remote) return { ...remote, model: withRetries(remote.model, opts.retry, onRetry) };
  return {
    model: createOfflinePlanner({ tools: opts.tools }),
    id: 'offline-planner',
    kind: 'offline',
  };
}

/**
 * The configured remote model named `name`: an OpenAI-compatible server over Chat Completions when
 * OPENAI_BASE_URL is set (it needs a name), else OpenAI's Responses API with OPENAI_API_KEY (the
 * default model when unnamed); null when neither is configured. The agent and the vision caption
 * both choose through this.
 */
export function remoteModel(
  llm: Pick<Config['llm'], 'apiKey' | 'baseUrl'>,
  name: string | undefined,
): { model: LanguageModelV4; id: string; kind: 'openai' | 'openai-compatible' } | null {
  const { apiKey, baseUrl } = llm;
  if (baseUrl) {
    if (!name) return null;
    // Local servers usually ignore the key, but the client insists on sending one.
    const provider = createOpenAI({
      baseURL: baseUrl,
      apiKey: apiKey ?? 'unused',
      name: 'openai-compatible',
    });
    return {
      model: provider.chat(name),
      id: `openai-compatible:${name}`,
      kind: 'openai-compatible',
    };
  }
  if (apiKey) {
    const id = name ?? DEFAULT_OPENAI_MODEL;
    // The base URL is explicit so a stray empty OPENAI_BASE_URL in the environment cannot leak in.
    const provider = createOpenAI({ baseURL: OPENAI_API_URL, apiKey });
    return { model: provider.responses(id), id: `openai:${id}`, kind: 'openai' };
  }
  return null;
}

/** The id TurnResult reports for a model handed in directly (tests, benchmarks, other surfaces). */
export function describeModel(model: LanguageModel): string {
  if (typeof model === 'string') return model;
  if (model.modelId === 'offline-planner') return 'offline-planner';
  const provider = model.provider.split('.')[0] ?? model.provider;
  return `${provider}:${model.modelId}`;
}

export type { LanguageModelV4 };
