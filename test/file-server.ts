import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  server: Server;
  port: number;
  /** The path of every request it got, in order. */
  seen: string[];
}

/** A loopback file server that records every request it gets (404 for a path it does not hold). */
export async function fileServer(files: Record<string, { data: Buffer; type: string }>, host = '::'): Promise<FileServer> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '');
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.data.length }).end(file.data);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

export const closeServer = (server: Server) => new Promise((resolve) => server.close(resolve));
