import { z } from 'zod';
import { ClientStateShape, ClientStatusShape } from '../auth/auth.answers.js';
import { answer, documented } from '../common/shapes.js';
import { SERVICE_NAME } from '../common/service.js';

/* The answers of liveness and readiness (GET /, GET /health, GET /health/ready). */

export const LivenessStatusShape = answer(
  'LivenessStatus',
  z
    .object({ state: ClientStateShape, ready: documented(z.boolean(), undefined, true) })
    .describe('The status as liveness shows it without the API key.'),
);

export const HealthAnswerShape = answer(
  'HealthAnswer',
  z.object({
    ok: documented(z.literal(true), undefined, true),
    name: documented(z.string(), undefined, SERVICE_NAME),
    mcp: documented(z.string(), 'The MCP endpoint', 'http://127.0.0.1:8790/mcp'),
    status: z
      .xor([ClientStatusShape, LivenessStatusShape])
      .describe('The full status; only `{ state, ready }` on GET /health without the key when one is set'),
  }),
);
export type HealthAnswer = z.infer<typeof HealthAnswerShape>;

export const ReadinessAnswerShape = answer(
  'ReadinessAnswer',
  z.object({
    ready: documented(z.boolean(), 'The WhatsApp client is ready (then 200, else 503)', true),
    state: ClientStateShape,
  }),
);
export type ReadinessAnswer = z.infer<typeof ReadinessAnswerShape>;
