import { IsLimit } from '../../common/validation.js';
import type { EventType } from '../event-envelope.js';
import { EVENTS_LIMIT, IsEventCursor, IsEventTypes } from './event-filters.js';

export class ListEventsDto {
  @IsEventCursor()
  after: string | null = null;

  @IsEventTypes()
  types: EventType[] = [];

  @IsLimit(EVENTS_LIMIT.max, EVENTS_LIMIT.fallback)
  limit: number = EVENTS_LIMIT.fallback;
}
