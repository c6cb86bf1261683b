import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One simulated WhatsApp Web page, as the phone sees it over its control channel. */
export interface PageConn {
  id: string;
  res: http.ServerResponse | null;
  deviceId?: string;
  qr?: string;
  pairing?: { code: string; phoneNumber: string };
  connectedAt: number;
}

interface Pending {
  page: string;
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

/** A page's request (`POST /rpc`): untyped JSON from the page script. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RpcMessage = Record<string, any>;

/** Answers a page's request, given the page it came from. */
export type RpcHandler = (msg: RpcMessage, page: PageConn) => unknown;

/**
 * The loopback server the page talks to: commands go down its EventSource (`GET /events`) and are
 * acked back through `POST /rpc` with a `text/plain` body (a simple CORS request, no preflight).
 * Every wait here is bounded by `timeoutMs` and says on timeout what it saw.
 */
export class ControlServer {
  readonly pages = new Map<string, PageConn>();
  private readonly pending = new Map<number, Pending>();
  private readonly missing = new Set<string>();
  private readonly changes = new EventEmitter();
  private server!: http.Server;
  private seq = 0;
  private connectCounter = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly onRpc: RpcHandler,
    private readonly describe: () => string,
  ) {
    this.changes.setMaxListeners(0);
  }

  async listen(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Pages with an open control channel, newest first. */
  livePages(): PageConn[] {
    return [...this.pages.values()].filter((p) => p.res).sort((a, b) => b.connectedAt - a.connectedAt);
  }

  missingModules(): string[] {
    return [...this.missing];
  }

  changed(): void {
    this.changes.emit('change');
  }

  /** Resolves with the first truthy value of `probe`, re-checked on every network event. */
  until<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
    let first: T | undefined | null | false;
    try {
      first = probe();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let v: T | undefined | null | false;
        try {
          v = probe();
        } catch (e) {
          cleanup();
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (!v) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`phone: timed out after ${this.timeoutMs}ms waiting for ${what}; saw ${this.describe()}`));
      }, this.timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off('change', check);
      };
      this.changes.on('change', check);
    });
  }

  /** Sends a command over the page's EventSource; resolves with the page's ack. */
  command(page: PageConn, cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`phone: page did not ack ${String(cmd.type)} within ${this.timeoutMs}ms`));
      }, this.timeoutMs);
      this.pending.set(seq, {
        page: page.id,
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      page.res!.write(`data: ${JSON.stringify({ ...cmd, seq })}\n\n`);
    });
  }

  async close(): Promise<void> {
    for (const p of this.pages.values()) p.res?.end();
    this.rejectPending(() => true, 'phone closed');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private rejectPending(which: (pend: Pending) => boolean, reason: string): void {
    for (const [seq, pend] of this.pending) {
      if (!which(pend)) continue;
      this.pending.delete(seq);
      pend.reject(new Error(reason));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The page origin is https://web.whatsapp.com: allow it (CORS).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/events') {
      this.openEvents(url.searchParams.get('page') ?? 'unknown', req, res);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/rpc') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        let reply: unknown;
        let status = 200;
        try {
          reply = this.rpc(JSON.parse(body));
        } catch (e) {
          status = 400;
          reply = { error: e instanceof Error ? e.message : String(e) };
        }
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
        this.changed();
      });
      return;
    }
    res.writeHead(404).end();
  }

  private openEvents(id: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    req.socket.setTimeout(0);
    const page = this.pages.get(id) ?? { id, res: null, connectedAt: 0 };
    page.res = res;
    page.connectedAt = ++this.connectCounter;
    this.pages.set(id, page);
    req.on('close', () => {
      if (page.res !== res) return;
      page.res = null;
      this.rejectPending((pend) => pend.page === id, 'page went away');
      this.changed();
    });
    this.changed();
  }

  private rpc(msg: RpcMessage): unknown {
    const id = String(msg.page);
    const page = this.pages.get(id) ?? { id, res: null, connectedAt: 0 };
    this.pages.set(id, page);
    if (msg.op === 'ack') {
      const pend = this.pending.get(msg.seq);
      if (pend) {
        this.pending.delete(msg.seq);
        if (msg.error) pend.reject(new Error(msg.error));
        else pend.resolve(msg.result ?? {});
      }
      return {};
    }
    if (msg.op === 'missing') {
      this.missing.add(String(msg.module));
      return {};
    }
    return this.onRpc(msg, page);
  }
}
