import { request, type IncomingMessage } from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  /** A comment line's text (`: keep-alive` → `keep-alive`). */
  comment?: string;
}

/** A minimal EventSource over node:http, whose waits throw on timeout saying what they saw. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  private buffer = '';
  private ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        this.frames.push(parseFrame(this.buffer.slice(0, end)));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.notify();
    });
    res.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(res)))
        .on('error', reject)
        .end();
    });
  }

  get events(): SseFrame[] {
    return this.frames.filter((frame) => frame.id !== undefined);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Waits until `done()` holds; throws after `timeoutMs` naming `what` and the frames seen. */
  waitUntil(what: string, done: () => boolean, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.frames.map((f) => f.id ?? (f.comment !== undefined ? `:${f.comment}` : `retry ${f.retry}`));
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${what}; saw ${this.frames.length} frames [${seen.slice(-10).join(', ')}], ended: ${this.ended}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The body of a refused (non-stream) answer, as JSON. */
  async json(): Promise<unknown> {
    await this.waitUntil('the end of the answer', () => this.ended);
    return JSON.parse(this.buffer);
  }

  close(): void {
    this.res.destroy();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else {
      const at = line.indexOf(':');
      const field = line.slice(0, at) as 'id' | 'event' | 'data' | 'retry';
      frame[field] = (frame[field] ? `${frame[field]}\n` : '') + line.slice(at + 1).replace(/^ /, '');
    }
  }
  return frame;
}
