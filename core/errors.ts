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
