import { z } from 'zod';
import { answer, documented } from './shapes.js';

/* The one error shape of every REST route (and the text of every failed MCP tool call). */

export const ErrorDetailShape = answer(
  'ErrorDetail',
  z.object({
    code: documented(z.string(), 'Stable error code; see the responses of each route', 'invalid_input'),
    message: documented(z.string(), undefined, 'phone_number must include country code and contain 8-15 digits'),
    state: documented(z.string(), 'With `not_ready` and `start_failed`: the client state (a ClientState)').optional(),
    retry_after: documented(z.int().min(1), 'With `rate_limited`: seconds to wait (also the Retry-After header)').optional(),
    request_id: documented(z.string(), 'With `internal`: the id to find in the server log').optional(),
  }),
);

export const ErrorBodyShape = answer(
  'ErrorBody',
  z
    .object({ ok: documented(z.literal(false), undefined, false), error: ErrorDetailShape })
    .describe('The one error shape of every REST route.'),
);
