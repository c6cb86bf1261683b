import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Request } from 'express';
import { DEFAULT_SESSION } from '../common/session-name.js';
import { type Grant, grantOf, NO_ACCESS, OPEN_ACCESS, refusal } from '../security/access.js';
import { resourceError } from './mcp-tool-result.js';

/**
 * The caller's rights travel with each HTTP request to the MCP handlers the way the SDK carries
 * credentials: its transport hands `request.auth` to them as `extra.authInfo`. A session opened by
 * one key is therefore still checked against the key of every later request. The key itself is not copied.
 */
export function carryGrant(request: Request): void {
  const grant = grantOf(request) ?? NO_ACCESS;
  (request as Request & { auth?: AuthInfo }).auth = { token: '', clientId: grant.name ?? '', scopes: [...grant.scopes], extra: { grant } };
}

/** The rights of a call: over HTTP the request's; over stdio (no authInfo) every right, as the local user runs the process. */
export function callerGrant(authInfo: AuthInfo | undefined): Grant {
  if (!authInfo) return OPEN_ACCESS;
  return (authInfo.extra?.grant as Grant | undefined) ?? NO_ACCESS;
}

/** Every resource is a chat's messages, on the default session: they need `read` there. */
/** The templates are shown to any key with `read` (on some session); each read checks its own session. */
export const resourceRefusal = (authInfo: AuthInfo | undefined) => refusal(callerGrant(authInfo), 'read', null);

/** `read` on `session`: the resource's own session (a media file's), else `default`. */
export function assertMayReadResources(authInfo: AuthInfo | undefined, session = DEFAULT_SESSION): void {
  const refused = refusal(callerGrant(authInfo), 'read', session);
  if (refused) throw resourceError(refused);
}
