// The shapes the browser and the server share: a chat message is an AI SDK UIMessage whose tool
// parts carry views (core/views.ts), never a tool's raw output. Types only, so the UI bundle can
// import this file without pulling in the server.
import type { UIMessage } from 'ai';
import type { PendingAction, View } from '../core/views.ts';

export interface ChatMetadata {
  /** Which model answered: 'offline-planner', 'openai:gpt-5-mini', … */
  model?: string;
  /** Ours: 'stop', 'pending-approval', 'step-limit', 'error', 'aborted'. */
  finishReason?: string;
}

/** What a tool part's output holds in the web chat. */
export interface ToolView {
  view?: View;
  /** The tool's title, for the part's label. */
  title?: string;
  /** For an action a person approved: the view of what it did. */
  result?: View;
}

export type ChatMessage = UIMessage<ChatMetadata>;

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: string;
}

export interface SessionInfo {
  mode: 'local' | 'token';
  /** null: signed out (token mode). */
  user: string | null;
  model: string;
  /** A member of the approver group: sees and decides everyone's pending actions. */
  approver?: boolean;
  signIn?: { personal: boolean; shared: boolean };
}

export interface UploadInfo {
  id: string;
  url: string;
  mediaType: string;
  name: string;
  bytes: number;
  width: number;
  height: number;
}

export interface DecisionResult {
  action: PendingAction;
  view?: View;
}

export type { PendingAction, View };
