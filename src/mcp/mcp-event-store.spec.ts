import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpEventStore } from './mcp-event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

async function replayed(store: McpEventStore, after: string): Promise<{ streamId: string; sent: [string, JSONRPCMessage][] }> {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayEventsAfter(after, {
    send: (id, message) => {
      sent.push([id, message]);
      return Promise.resolve();
    },
  });
  return { streamId, sent };
}

describe('McpEventStore', () => {
  it("replays what followed an event on that event's stream only, without priming events", async () => {
    const store = new McpEventStore();
    const priming = await store.storeEvent('a', {} as JSONRPCMessage);
    const one = await store.storeEvent('a', note(1));
    await store.storeEvent('b', note(2));
    const three = await store.storeEvent('a', note(3));
    await store.storeEvent('a', {} as JSONRPCMessage);
    await expect(store.getStreamIdForEventId(priming)).resolves.toBe('a');
    await expect(replayed(store, priming)).resolves.toEqual({
      streamId: 'a',
      sent: [
        [one, note(1)],
        [three, note(3)],
      ],
    });
  });

  it('keeps the last 50 messages of a session; an older id is unknown', async () => {
    const store = new McpEventStore();
    const first = await store.storeEvent('a', note(0));
    for (let n = 1; n <= 50; n++) await store.storeEvent('a', note(n));
    await expect(store.getStreamIdForEventId(first)).resolves.toBeUndefined();
    const kept = await store.getStreamIdForEventId(String(Number(first) + 1));
    expect(kept).toBe('a');
    await expect(replayed(store, String(Number(first) + 1))).resolves.toMatchObject({ sent: { length: 49 } });
  });
});
