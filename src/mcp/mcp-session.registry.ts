import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AppConfig } from '../config/app-config.js';
import { covers, type Grant, rightsNow } from '../security/access.js';
import { type KeysReloaded, SecurityTopic } from '../security/security-events.js';
import { McpEventStore, SSE_RETRY_MS } from './mcp-event-store.js';
import { McpServerFactory } from './mcp-server.factory.js';

export interface McpSession {
  readonly id: string;
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  /** Answers with plain JSON instead of SSE: the session was opened by a client that does not accept SSE. */
  readonly jsonResponse: boolean;
  /** The rights of the key that opened it: the session ends when a keys reload removes that key or narrows them. */
  readonly grant: Grant;
  lastSeen: number;
  /** Open server-to-client streams (GET): a client listening on one is not idle. */
  streams: number;
}

export interface McpSessionEvents {
  /** A session was closed, whatever the reason (DELETE, expiry, shutdown, transport closed). */
  closed: [id: string];
  /** A session was closed for being idle longer than the configured time. */
  expired: [id: string];
  /** A session's server-to-client stream closed (its idle time starts again). */
  streamClosed: [id: string];
}

/** Longest pause between two sweeps for idle sessions, so expiry is late by at most this much. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

/**
 * The open MCP-over-HTTP sessions: at most `mcpMaxSessions`, each closed after `mcpSessionIdleMs`
 * without a request, all closed before the HTTP server stops. A closed session leaves nothing
 * behind: its transport's `onclose` is the one place that removes it. Each call is checked against its
 * request's key; the session itself, and its stream, belong to the key that opened it.
 */
@Injectable()
export class McpSessionRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly events = new EventEmitter<McpSessionEvents>();
  private readonly sessions = new Map<string, McpSession>();
  private readonly logger = new Logger('MCP');
  private sweeper: NodeJS.Timeout | null = null;
  /** The clock the idle times are measured with; replaceable in tests. */
  now: () => number = Date.now;

  constructor(
    private readonly config: AppConfig,
    private readonly servers: McpServerFactory,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get capacity(): number {
    return this.config.mcpMaxSessions;
  }

  onApplicationBootstrap(): void {
    const every = Math.min(this.config.mcpSessionIdleMs, MAX_SWEEP_INTERVAL_MS);
    this.sweeper = setInterval(() => void this.sweep(), every);
    // Expiry must never keep a process alive on its own (stdio mode, tests).
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    // Before the HTTP server closes: an open SSE stream would otherwise hold it open.
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  /**
   * Opens a session for an `initialize` request, or returns null when the cap is reached. The id
   * is chosen here and registered at once, so concurrent initializes cannot overshoot the cap;
   * `abandon` removes it again if the initialize fails.
   */
  async open(jsonResponse: boolean, grant: Grant): Promise<McpSession | null> {
    if (this.sessions.size >= this.capacity) await this.sweep();
    if (this.sessions.size >= this.capacity) return null;
    const id = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      enableJsonResponse: jsonResponse,
      eventStore: new McpEventStore(),
      retryInterval: SSE_RETRY_MS,
    });
    const server = this.servers.create();
    const session: McpSession = { id, server, transport, jsonResponse, grant, lastSeen: this.now(), streams: 0 };
    this.sessions.set(id, session);
    transport.onclose = () => {
      if (this.sessions.get(id) !== session) return;
      this.sessions.delete(id);
      this.events.emit('closed', id);
    };
    await server.connect(transport);
    return session;
  }

  /** The session with this id, marked as active now; undefined when unknown, closed or expired. */
  use(id: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (session) session.lastSeen = this.now();
    return session;
  }

  /** Drops a session whose `initialize` was refused (its transport never issued the id). */
  async abandon(session: McpSession): Promise<void> {
    if (session.transport.sessionId === undefined) await this.close(session.id);
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    // server.close() closes the transport, whose onclose removes the session.
    await session?.server.close();
  }

  /**
   * Closes each session whose key a keys reload removed or took a scope or session from: later requests on
   * it are answered as for an unknown session, its stream and running calls end, and the client opens a
   * new one with the rights its key has now.
   */
  @OnEvent(SecurityTopic.keysReloaded)
  async revoke({ keys }: KeysReloaded): Promise<void> {
    const revoked = [...this.sessions.values()].filter((session) => {
      const now = rightsNow(session.grant, keys);
      return now === null || !covers(now, session.grant);
    });
    await Promise.all(revoked.map((session) => this.close(session.id)));
    if (revoked.length > 0) this.logger.log(`Closed ${revoked.length} MCP session(s) whose key the keys reload removed or narrowed`);
  }

  /** Counts an open GET stream as activity for as long as it stays open. */
  holdOpen(session: McpSession, stream: { once(event: 'close', listener: () => void): unknown }): void {
    session.streams++;
    stream.once('close', () => {
      session.streams--;
      session.lastSeen = this.now();
      this.events.emit('streamClosed', session.id);
    });
  }

  /** Closes every session idle (no request, no open stream) for at least the configured time; returns how many. */
  async sweep(now: number = this.now()): Promise<number> {
    const idle = [...this.sessions.values()].filter((s) => s.streams === 0 && now - s.lastSeen >= this.config.mcpSessionIdleMs);
    await Promise.all(
      idle.map(async (session) => {
        await this.close(session.id);
        this.events.emit('expired', session.id);
      }),
    );
    if (idle.length > 0) this.logger.log(`Closed ${idle.length} MCP session(s) idle for ${this.config.mcpSessionIdleMs} ms`);
    return idle.length;
  }
}
