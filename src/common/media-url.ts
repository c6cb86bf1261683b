import { DEFAULT_SESSION } from './session-name.js';

/**
 * Where a message's file is downloaded (`GET /api/messages/{message_id}/media`, under
 * `/api/sessions/{session}` for another account): what events carry as `media_url` instead of the
 * bytes. `@` stays readable; everything else a path cannot hold is escaped.
 */
export function mediaUrl(session: string, messageId: string): string {
  const base = session === DEFAULT_SESSION ? '/api' : `/api/sessions/${encodeURIComponent(session)}`;
  return `${base}/messages/${encodeURIComponent(messageId).replaceAll('%40', '@')}/media`;
}
