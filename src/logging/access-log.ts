import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { requestIdOf } from '../common/request-id.js';
import { routeOf } from '../common/route-label.js';
import { grantOf } from '../security/access.js';

type Req = IncomingMessage & Partial<Pick<Request, 'path' | 'route' | 'method'>>;

const maskNumbers = (path: string | undefined): string | undefined => path?.replace(/\d{6,}/g, (digits) => '*'.repeat(digits.length));

/**
 * The path as logged: a route with parameters (`/api/chats/:chat_id/messages`) is logged as its
 * template, since its parameters are chat and message ids, that is phone numbers.
 */
function loggedPath(request: Req): string | undefined {
  const route = routeOf(request);
  return route?.includes(':') ? route : (request.path ?? request.url);
}

/** The name of the key the request carried (`env` for WHATSAPP_API_KEY); none without a valid key or with no key configured. */
const keyName = (request: Req): string | undefined => grantOf(request as Request)?.name ?? undefined;

/**
 * One line per request, every request (also those refused before routing): request id, method,
 * path (no query string: it may hold phone numbers), route, the key's name, status and duration.
 * Headers and bodies are never logged, so neither is the API key (nor its hash) nor a message.
 */
export function accessLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (request) => requestIdOf(request as unknown as Request),
    serializers: {
      // Serialized when the request arrives, before routing: long digit runs (phone numbers in chat
      // and message ids) are masked.
      req: (request: Req & { raw?: Req; id?: string }) => ({
        id: request.id,
        method: request.method,
        path: maskNumbers((request.raw ?? request).path),
      }),
      res: (response: ServerResponse) => ({ status: response.statusCode }),
    },
    customSuccessObject: (request: Req, _response, value: object) => ({ ...value, route: routeOf(request), key: keyName(request) }),
    customErrorObject: (request: Req, _response, _error, value: object) => ({ ...value, route: routeOf(request), key: keyName(request) }),
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: (request: Req, response) => `${request.method} ${loggedPath(request)} ${response.statusCode}`,
    customErrorMessage: (request: Req, response) => `${request.method} ${loggedPath(request)} ${response.statusCode}`,
    customAttributeKeys: { responseTime: 'duration_ms' },
  });
}
