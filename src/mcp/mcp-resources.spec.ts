import { DiscoveryModule } from '@nestjs/core';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Subject } from 'rxjs';
import { AppError } from '../common/app-error.js';
import { McpResourceTemplate, type McpResourceParams, type McpResourceSource } from './mcp-resource.decorator.js';
import { McpResources } from './mcp-resources.js';

@McpResourceTemplate({
  uriTemplate: 'test://things/{id}',
  name: 'thing',
  title: 'A thing',
  description: 'For the test',
  mimeType: 'application/json',
})
@Injectable()
class Things implements McpResourceSource {
  readonly updated$ = new Subject<McpResourceParams>();
  read({ id }: McpResourceParams): Promise<object> {
    if (id === 'missing') return Promise.reject(new AppError('chat_not_found', 'There is no chat missing.'));
    return Promise.resolve({ id });
  }
}

/** A connected server as far as resources see it: what it was asked to notify. */
function fakeServer(): { server: Server; notified: string[] } {
  const notified: string[] = [];
  const server = { sendResourceUpdated: ({ uri }: { uri: string }) => Promise.resolve(void notified.push(uri)) } as unknown as Server;
  return { server, notified };
}

/** The caller may read every session. */
const allow = (): void => undefined;

describe('McpResources (discovered from the feature modules)', () => {
  let resources: McpResources;
  let things: Things;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [McpResources, Things] }).compile();
    resources = moduleRef.get(McpResources);
    things = moduleRef.get(Things);
  });

  it('lists the declared templates and reads through the source, with the variables decoded', async () => {
    expect(resources.templates).toEqual([
      { uriTemplate: 'test://things/{id}', name: 'thing', title: 'A thing', description: 'For the test', mimeType: 'application/json' },
    ]);
    await expect(resources.read('test://things/a%40b', allow)).resolves.toEqual({
      contents: [{ uri: 'test://things/a%40b', mimeType: 'application/json', text: '{"id":"a@b"}' }],
    });
  });

  it('answers an unknown URI and a failing read as JSON-RPC errors', async () => {
    await expect(resources.read('test://other/1', allow)).rejects.toMatchObject({ code: -32002 });
    await expect(resources.read('test://things/missing', allow)).rejects.toMatchObject({
      code: -32002,
      data: { code: 'chat_not_found', message: 'There is no chat missing.' },
    });
  });

  it('notifies only the servers subscribed to what changed, with the URI as each wrote it, until they leave', () => {
    const a = fakeServer();
    const b = fakeServer();
    resources.attach(a.server);
    resources.attach(b.server);
    resources.subscribe(a.server, 'test://things/x%40y');
    resources.subscribe(b.server, 'test://things/x@y');
    resources.subscribe(b.server, 'test://things/z');
    things.updated$.next({ id: 'x@y' });
    things.updated$.next({ id: 'other' });
    expect(a.notified).toEqual(['test://things/x%40y']);
    expect(b.notified).toEqual(['test://things/x@y']);
    resources.unsubscribe(b.server, 'test://things/x%40y');
    resources.detach(a.server);
    things.updated$.next({ id: 'x@y' });
    things.updated$.next({ id: 'z' });
    expect(a.notified).toEqual(['test://things/x%40y']);
    expect(b.notified).toEqual(['test://things/x@y', 'test://things/z']);
    expect(resources.subscriptions).toBe(1);
  });
});
