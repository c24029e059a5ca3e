// What a person reads when a turn cannot simply answer: a change awaiting approval, or a failure
// in words they can act on.
import { APICallError } from '@ai-sdk/provider';
import { isAppError } from '../core/errors.ts';
import type { PendingAction } from './approvals.ts';
import { ModelCallError } from './retry.ts';

export function pendingNote(pending: PendingAction[]): string {
  const lines = pending.map((a) => `- ${a.summary} (approval id ${a.id})`);
  const them = pending.length === 1 ? 'it' : 'them';
  return `This needs your approval before anything changes:\n${lines.join('\n')}\nApprove or deny ${them} to continue; until then nothing has been changed.`;
}

export function errorText(e: unknown): string {
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
