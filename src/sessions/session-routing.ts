import type { NextFunction, Request, Response } from 'express';
import { setRequestSession, splitSessionPath } from '../common/session-name.js';
import { grantOf, refusal } from '../security/access.js';
import { sessionNotFound, type WhatsAppService } from '../whatsapp/whatsapp.service.js';

/**
 * `/api/sessions/{session}/<route>` is `/api/<route>` acting on that session: the request is routed to
 * the one handler with the session recorded on it (read with `@SessionName()`). An unknown session is
 * 404 `session_not_found` before any handler runs, so a name in a path never creates a session;
 * to a key that may not use that name it is 403 like any other, so keys learn no other session's name.
 */
export function sessionRouting(whatsapp: WhatsAppService): (request: Request, response: Response, next: NextFunction) => void {
  return (request, _response, next) => {
    const split = splitSessionPath(request.path);
    if (!split) return next();
    if (!whatsapp.find(split.session)) {
      const grant = grantOf(request);
      return next((grant && refusal(grant, null, split.session)) ?? sessionNotFound(split.session));
    }
    setRequestSession(request, split.session);
    const query = request.url.indexOf('?');
    request.url = split.path + (query >= 0 ? request.url.slice(query) : '');
    next();
  };
}
