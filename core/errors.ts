// Expected failures carry a stable code and an HTTP-ish status; each edge translates them once.
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'ambiguous'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'rejected'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'config'
  | 'approval_required'
  | 'rate_limited'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = statusFor(code),
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_input':
    case 'ambiguous':
    case 'rejected':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'approval_required':
      return 202;
    case 'unavailable':
      return 503;
    case 'rate_limited':
      return 429;
    default:
      return 500;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** A message safe to show a user or a model: AppError text, otherwise a generic line. */
export function publicMessage(e: unknown): string {
  if (isAppError(e)) return e.message;
  return 'internal error';
}

/**
 * A tool failure on its way to a model. The AI SDK sends a thrown error to the model as
 * `error.toString()`; this one's text is `{"error":{"code","message"}}`, so the model (and the
 * offline planner) read the code as data instead of parsing the message.
 */
export class ToolFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
  override toString(): string {
    return JSON.stringify({ error: { code: this.code, message: this.message } });
  }
}

/** The code and message of a tool error text, when it is a ToolFailure's JSON. */
export function readToolFailure(text: string): { code: ErrorCode; message: string } | undefined {
  if (!text.startsWith('{"error":')) return undefined;
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return typeof e?.code === 'string' && typeof e.message === 'string'
      ? { code: e.code as ErrorCode, message: e.message }
      : undefined;
  } catch {
    return undefined;
  }
}
