// Provider calls retried with exponential backoff: rate limits (429), server errors (5xx), network
// failures and attempts that take too long to answer. Retry-After headers are honoured up to a cap.
// When the retries run out, a ModelCallError says what went wrong in words a person can act on.
import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
} from '@ai-sdk/provider';
import { sleep } from '../core/util.ts';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** How long one attempt may wait for the provider to start answering. */
  attemptTimeoutMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 3,
  initialDelayMs: 1000,
  maxDelayMs: 20_000,
  attemptTimeoutMs: 60_000,
};

export type ModelFailure = 'rate-limit' | 'server' | 'timeout' | 'network' | 'auth' | 'request';

export class ModelCallError extends Error {
  constructor(
    readonly kind: ModelFailure,
    message: string,
    readonly attempts: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelCallError';
  }
}

class AttemptTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

function classify(e: unknown): { kind: ModelFailure; status?: number; retryable: boolean } {
  if (e instanceof AttemptTimeout) return { kind: 'timeout', retryable: true };
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    if (status === 429) return { kind: 'rate-limit', status, retryable: true };
    if (status === 401 || status === 403) return { kind: 'auth', status, retryable: false };
    if (status !== undefined && status >= 500) return { kind: 'server', status, retryable: true };
    if (status === undefined) return { kind: 'network', retryable: e.isRetryable };
    return { kind: 'request', status, retryable: e.isRetryable };
  }
  return { kind: 'request', retryable: false };
}

function retryAfterMs(e: unknown): number | undefined {
  if (!APICallError.isInstance(e) || !e.responseHeaders) return undefined;
  const h = e.responseHeaders;
  const ms = Number.parseFloat(h['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const s = h['retry-after'];
  if (!s) return undefined;
  const secs = Number.parseFloat(s);
  if (Number.isFinite(secs)) return secs * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(
  kind: ModelFailure,
  attempts: number,
  status: number | undefined,
  e: unknown,
): string {
  const tries = attempts === 1 ? 'once' : `${attempts} times`;
  const detail = APICallError.isInstance(e)
    ? e.message
    : e instanceof Error
      ? e.message
      : String(e);
  switch (kind) {
    case 'rate-limit':
      return `The language model provider is rate-limiting requests (HTTP 429); I tried ${tries}. Please try again in a minute.`;
    case 'server':
      return `The language model provider had a server error (HTTP ${status}); I tried ${tries}. Please try again shortly.`;
    case 'timeout':
      return `The language model provider did not answer in time; I tried ${tries}. Please try again shortly.`;
    case 'network':
      return `I could not reach the language model provider (${detail}); I tried ${tries}. Check OPENAI_BASE_URL and the network.`;
    case 'auth':
      return `The language model provider refused the credentials (HTTP ${status}). Check OPENAI_API_KEY.`;
    default:
      return `The language model provider rejected the request${status ? ` (HTTP ${status})` : ''}: ${detail.slice(0, 300)}`;
  }
}

/** Told before each retry: which attempt, after how long, and why. */
export type OnRetry = (info: {
  attempt: number;
  delayMs: number;
  kind: ModelFailure;
  status?: number;
}) => void;

async function withAttempts<T>(
  params: LanguageModelV4CallOptions,
  opts: Required<RetryOptions>,
  call: (p: LanguageModelV4CallOptions) => PromiseLike<T>,
  onRetry?: OnRetry,
): Promise<T> {
  const outer = params.abortSignal;
  for (let attempt = 1; ; attempt++) {
    const timer = new AbortController();
    const t = setTimeout(
      () => timer.abort(new AttemptTimeout(opts.attemptTimeoutMs)),
      opts.attemptTimeoutMs,
    );
    const abortSignal = outer ? AbortSignal.any([outer, timer.signal]) : timer.signal;
    try {
      return await call({ ...params, abortSignal });
    } catch (raw) {
      if (outer?.aborted) throw raw;
      const e = timer.signal.aborted ? timer.signal.reason : raw;
      const c = classify(e);
      if (!c.retryable || attempt > opts.maxRetries) {
        if (!c.retryable && c.kind === 'request' && !APICallError.isInstance(e)) throw e;
        throw new ModelCallError(
          c.kind,
          describe(c.kind, attempt, c.status, e),
          attempt,
          c.status,
          {
            cause: e,
          },
        );
      }
      const backoff = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** (attempt - 1));
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      const delayMs = Math.min(opts.maxDelayMs, retryAfterMs(e) ?? jittered);
      onRetry?.({ attempt, delayMs, kind: c.kind, status: c.status });
      await sleep(delayMs, outer);
    } finally {
      // Only the wait for the first byte is bounded here; a started stream keeps the caller's signal.
      clearTimeout(t);
    }
  }
}

export function withRetries(
  model: LanguageModelV4,
  options: RetryOptions = {},
  onRetry?: OnRetry,
): LanguageModelV4 {
  const opts = { ...DEFAULT_RETRY, ...options };
  return {
    specificationVersion: 'v4',
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    doGenerate: (params) => withAttempts(params, opts, (p) => model.doGenerate(p), onRetry),
    doStream: (params) => withAttempts(params, opts, (p) => model.doStream(p), onRetry),
  };
}
