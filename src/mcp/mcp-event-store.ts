import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** How long a client waits before reconnecting a closed stream: the SSE `retry` field of each stream's priming event. */
export const SSE_RETRY_MS = 2000;
/** Messages a session keeps for a reconnect with Last-Event-ID; a client gone longer has missed the older ones. */
const KEPT_PER_SESSION = 50;

/**
 * The SDK's transport writes a priming event (an event id, and the `retry` field) only when it has
 * an event store, and resumes a dropped stream from it. One store per HTTP session, in memory and
 * bounded: resuming is for a dropped connection, not for a client away for long.
 */
export class McpEventStore implements EventStore {
  private last = 0;
  private readonly kept = new Map<EventId, { streamId: StreamId; message: JSONRPCMessage }>();

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = String(++this.last);
    this.kept.set(id, { streamId, message });
    if (this.kept.size > KEPT_PER_SESSION) this.kept.delete(this.kept.keys().next().value!);
    return Promise.resolve(id);
  }

  /** Unknown (or no longer kept): the transport answers 400 and the client starts afresh. */
  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return Promise.resolve(this.kept.get(eventId)?.streamId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const streamId = this.kept.get(lastEventId)?.streamId ?? '';
    for (const [id, event] of [...this.kept]) {
      // A priming event carries no message: the reconnected stream needs none.
      if (Number(id) > Number(lastEventId) && event.streamId === streamId && Object.keys(event.message).length > 0)
        await send(id, event.message);
    }
    return streamId;
  }
}
