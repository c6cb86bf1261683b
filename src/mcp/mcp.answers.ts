import { z } from 'zod';
import { answer, documented } from '../common/shapes.js';

export const JsonRpcErrorShape = answer(
  'JsonRpcError',
  z
    .object({
      jsonrpc: documented(z.literal('2.0'), undefined, '2.0'),
      error: z.object({
        code: documented(z.int(), undefined, -32000),
        message: documented(z.string(), undefined, 'Bad Request: Mcp-Session-Id header is required'),
      }),
      id: documented(z.xor([z.string(), z.int()]).nullable(), undefined, null),
    })
    .describe('How /mcp refuses a request (JSON-RPC 2.0 error object).'),
);
