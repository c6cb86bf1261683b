import type { EventType } from '../event-envelope.js';
import { IsEventCursor, IsEventTypes } from './event-filters.js';

/** `after` is where a first connection starts; a reconnect's `Last-Event-ID` header wins over it. */
export class StreamEventsDto {
  @IsEventCursor()
  after: string | null = null;

  @IsEventTypes()
  types: EventType[] = [];
}
