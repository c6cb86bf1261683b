import { Injectable } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, isJSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { grantOf, NO_ACCESS } from '../security/access.js';
import { carryGrant } from './mcp-access.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { type McpSession, McpSessionRegistry } from './mcp-session.registry.js';

const SESSION_HEADER = 'mcp-session-id';

/** A JSON-RPC error as the SDK's transport writes its own (same codes, same shape). */
function rpcError(response: Response, status: number, code: number, message: string, id: RequestId | null = null): void {
  response.status(status).json({ jsonrpc: '2.0', error: { code, message }, id });
}

function acceptsSse(request: Request): boolean {
  return request.header('accept')?.includes('text/event-stream') ?? false;
}

/**
 * The original's clients (curl, scripts) send `Accept: application/json`, a wildcard or no Accept at all; the
 * SDK's transport answers them 406 whatever `enableJsonResponse` says, because it checks the
 * header before looking at the mode. They are served by transports in JSON-response mode, and for
 * those the header is widened first: the answer is still plain JSON, which is what they accept.
 * The transport reads `rawHeaders` (through @hono/node-server), so both views are updated.
 */
function admitPlainClient(request: Request): void {
  const accept = 'application/json, text/event-stream';
  request.headers.accept = accept;
  const at = request.rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'accept');
  if (at >= 0) request.rawHeaders[at + 1] = accept;
  else request.rawHeaders.push('Accept', accept);
}

function initializes(body: unknown): boolean {
  return Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body);
}

function jsonRpcIdOf(body: unknown): RequestId | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** From this protocol version on, a POST answered as SSE starts with an event id, and a dropped stream can be resumed. */
const RESUMABLE_SINCE = '2025-11-25';

/**
 * A client that drops the HTTP response of requests it cannot resume has given up on them: they
 * are cancelled as a `notifications/cancelled` would, so a tool that waits (holding a subscription)
 * stops at once instead of at its timeout. The SDK's transport does not do it. A resumable stream
 * is left alone: its client reconnects with Last-Event-ID and gets the answer from the event store.
 */
function cancelWhenDropped(session: McpSession, request: Request, response: Response, body: unknown): void {
  const resumable = !session.jsonResponse && (request.header('mcp-protocol-version') ?? '') >= RESUMABLE_SINCE;
  const ids = (Array.isArray(body) ? body : [body]).filter((message) => isJSONRPCRequest(message)).map((message) => message.id);
  if (resumable || ids.length === 0) return;
  response.once('close', () => {
    if (response.writableFinished) return;
    for (const requestId of ids) {
      session.transport.onmessage?.({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId, reason: 'The client closed the connection' },
      });
    }
  });
}

/**
 * Streamable HTTP on the SDK's transport: routes each request to its session, opens sessions on
 * `initialize` (within the cap), and answers a request without a session statelessly, as the
 * original answered a one-shot `tools/call` from curl.
 */
@Injectable()
export class McpHttpService {
  constructor(
    private readonly sessions: McpSessionRegistry,
    private readonly servers: McpServerFactory,
    private readonly config: AppConfig,
  ) {}

  async post(request: Request, response: Response, body: unknown): Promise<void> {
    carryGrant(request);
    const sessionId = request.header(SESSION_HEADER);
    if (sessionId !== undefined) return this.forward(sessionId, request, response, body);
    if (initializes(body)) return this.initialize(request, response, body);
    return this.oneShot(request, response, body);
  }

  /** GET (the server-to-client SSE stream) and DELETE (end the session) need a session. */
  async withSession(request: Request, response: Response): Promise<void> {
    carryGrant(request);
    const sessionId = request.header(SESSION_HEADER);
    if (sessionId === undefined) return rpcError(response, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return this.forward(sessionId, request, response, undefined);
  }

  private async forward(sessionId: string, request: Request, response: Response, body: unknown): Promise<void> {
    const session = this.sessions.use(sessionId);
    if (!session) {
      return rpcError(
        response,
        404,
        -32001,
        'Session not found: it was closed or expired; send initialize without a session id to open a new one',
        jsonRpcIdOf(body),
      );
    }
    if (session.jsonResponse && !acceptsSse(request)) admitPlainClient(request);
    if (request.method === 'GET') this.sessions.holdOpen(session, response);
    else cancelWhenDropped(session, request, response, body);
    try {
      await session.transport.handleRequest(request, response, body);
    } finally {
      this.sessions.use(sessionId);
    }
  }

  private async initialize(request: Request, response: Response, body: unknown): Promise<void> {
    const plain = !acceptsSse(request);
    const session = await this.sessions.open(plain, grantOf(request) ?? NO_ACCESS);
    if (!session) {
      const minutes = Math.ceil(this.config.mcpSessionIdleMs / 60_000);
      return rpcError(
        response,
        503,
        -32000,
        `Too many MCP sessions: all ${this.sessions.capacity} are in use. Close one (DELETE /mcp with its ` +
          `mcp-session-id), reuse an open one, or retry after idle sessions expire (after ${minutes} min).`,
        jsonRpcIdOf(body),
      );
    }
    if (plain) admitPlainClient(request);
    try {
      await session.transport.handleRequest(request, response, body);
    } finally {
      await this.sessions.abandon(session);
    }
  }

  /** A request outside any session gets a server and transport of its own, closed with the response. */
  private async oneShot(request: Request, response: Response, body: unknown): Promise<void> {
    const plain = !acceptsSse(request);
    const server = this.servers.create();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: plain });
    response.on('close', () => void server.close());
    await server.connect(transport);
    if (plain) admitPlainClient(request);
    await transport.handleRequest(request, response, body);
  }
}
