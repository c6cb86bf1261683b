import type { Response } from 'express';
import type { EventEnvelope, EventType } from './event-envelope.js';
import type { EventPage } from './events.repository.js';

/** Stored events are replayed in pages of this many. */
const PAGE = 500;
/** Tells EventSource clients to reconnect after 3 s (and silences the "no retry field" warning of conformance suites). */
const RETRY_MS = 3_000;
/** A client that has not taken a byte for this many keep-alive periods is gone. */
const STALL_PERIODS = 4;

/** `revoked`: a keys reload took the stream's key, or its `read` on the stream's session, away. */
export type StreamCloseReason = 'ended' | 'dropped' | 'shutdown' | 'revoked';

export interface StreamClientOptions {
  after: string | null;
  types: readonly EventType[];
  /** Only this session's events. */
  session: string;
  keepAliveMs: number;
  /** The stored events after a cursor, oldest first. */
  read(page: EventPage): EventEnvelope[];
  onClose(reason: StreamCloseReason, client: StreamClient): void;
}

export const sseFrame = (event: EventEnvelope): string => `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * One SSE client. It replays the stored events after its cursor from the database, page by page
 * as the socket drains, and only then takes live events; both run on the one thread and the last
 * page is read in the same turn as the switch, so nothing is missed or sent twice. A client that
 * reads slower than events come falls back to reading from the database when its socket is full,
 * so what waits in memory for it stays about one socket buffer; one that takes nothing for
 * STALL_PERIODS keep-alive periods is dropped.
 */
export class StreamClient {
  private cursor: string | null;
  private live = false;
  private closed = false;
  private blockedSince: number | null = null;
  private readonly types: ReadonlySet<EventType>;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: Response,
    private readonly options: StreamClientOptions,
  ) {
    this.cursor = options.after;
    this.types = new Set(options.types);
  }

  start(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    // Express serves HEAD with the GET route: a probe gets the headers, not a stream held open.
    if (this.res.req.method === 'HEAD') {
      this.closed = true;
      this.res.end();
      this.options.onClose('ended', this);
      return;
    }
    this.res.on('close', () => this.close('ended'));
    this.res.on('drain', () => {
      this.blockedSince = null;
      if (!this.live) this.catchUp();
    });
    this.keepAlive = setInterval(() => this.tick(), this.options.keepAliveMs).unref();
    this.write(`retry: ${RETRY_MS}\n\n`);
    this.catchUp();
  }

  /** A live event, with its frame built once for every client. */
  deliver(event: EventEnvelope, frame: string): void {
    if (!this.live || this.closed || (this.cursor !== null && event.id <= this.cursor)) return;
    if (event.session !== this.options.session || (this.types.size > 0 && !this.types.has(event.type))) return;
    this.cursor = event.id;
    this.write(frame);
    if (this.res.writableNeedDrain) this.live = false;
  }

  close(reason: StreamCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    // A client whose rights were revoked gets nothing more, even what its socket still buffers, and
    // cannot hold the socket open by not reading.
    if (reason === 'dropped' || reason === 'revoked') this.res.destroy();
    else this.res.end();
    this.options.onClose(reason, this);
  }

  private catchUp(): void {
    while (!this.closed && !this.res.writableNeedDrain) {
      const page = this.options.read({ after: this.cursor, types: [...this.types], limit: PAGE, session: this.options.session });
      for (const event of page) {
        this.cursor = event.id;
        this.write(sseFrame(event));
      }
      if (page.length < PAGE) {
        this.live = true;
        return;
      }
    }
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (!this.res.write(chunk)) this.blockedSince ??= Date.now();
  }

  private tick(): void {
    if (this.blockedSince !== null && Date.now() - this.blockedSince >= STALL_PERIODS * this.options.keepAliveMs) {
      this.close('dropped');
      return;
    }
    this.write(': keep-alive\n\n');
  }
}
