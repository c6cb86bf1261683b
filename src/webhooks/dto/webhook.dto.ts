import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { EVENT_TYPES } from '../../common/event-types.js';
import { SESSION_NAME_PATTERN } from '../../common/session-name.js';
import { isWebhookUrl } from '../../common/webhook-rules.js';
import { IsLimit } from '../../common/validation.js';

const URL_RULE = 'url must be an http:// or https:// URL without user or password, at most 2048 characters';
const EVENTS_RULE = `events must be a non-empty array of event types (${EVENT_TYPES.join(', ')}) or ["*"]`;
const DESCRIPTION_RULE = 'description must be a string of at most 500 characters';

const isUrl = (value: unknown): boolean => typeof value === 'string' && value.length <= 2048 && isWebhookUrl(value);
const isEventList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.length <= 32 &&
  value.every((type) => type === '*' || (EVENT_TYPES as readonly unknown[]).includes(type));

function IsWebhookUrl(): PropertyDecorator {
  return ValidateBy({ name: 'isWebhookUrl', validator: { validate: isUrl, defaultMessage: () => URL_RULE } });
}

const SESSIONS_RULE = 'sessions must be a non-empty array of session names (a-z, 0-9, "_" and "-", at most 32 characters) or ["*"]';
const isSessionList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.length <= 100 &&
  value.every((name) => name === '*' || (typeof name === 'string' && SESSION_NAME_PATTERN.test(name)));

function IsSessionList(): PropertyDecorator {
  return ValidateBy({ name: 'isSessionList', validator: { validate: isSessionList, defaultMessage: () => SESSIONS_RULE } });
}

/** `["*"]` absorbs everything else; repeats are dropped. */
const normaliseSessions = Transform(({ value }: { value: unknown }) =>
  isSessionList(value) ? ((value as string[]).includes('*') ? ['*'] : [...new Set(value as string[])]) : value,
);

function IsEventList(): PropertyDecorator {
  return ValidateBy({ name: 'isEventList', validator: { validate: isEventList, defaultMessage: () => EVENTS_RULE } });
}

/** `["*"]` absorbs everything else; repeats are dropped. */
const normaliseEvents = Transform(({ value }: { value: unknown }) =>
  isEventList(value) ? ((value as string[]).includes('*') ? ['*'] : [...new Set(value as string[])]) : value,
);

export class CreateWebhookDto {
  @IsWebhookUrl()
  url!: string;

  @IsOptional()
  @IsEventList()
  @normaliseEvents
  events?: string[];

  @IsOptional()
  @IsSessionList()
  @normaliseSessions
  sessions?: string[];

  @IsOptional()
  @IsString({ message: DESCRIPTION_RULE })
  @MaxLength(500, { message: DESCRIPTION_RULE })
  description?: string | null;
}

export class UpdateWebhookDto {
  @IsOptional()
  @IsWebhookUrl()
  url?: string;

  @IsOptional()
  @IsEventList()
  @normaliseEvents
  events?: string[];

  @IsOptional()
  @IsSessionList()
  @normaliseSessions
  sessions?: string[];

  @IsOptional()
  @IsString({ message: DESCRIPTION_RULE })
  @MaxLength(500, { message: DESCRIPTION_RULE })
  description?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export const DELIVERIES_LIMIT = { max: 100, fallback: 20 };

export class ListDeliveriesDto {
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'], { message: 'status must be one of pending, delivered, failed' })
  status?: 'pending' | 'delivered' | 'failed';

  @IsLimit(DELIVERIES_LIMIT.max, DELIVERIES_LIMIT.fallback)
  limit: number = DELIVERIES_LIMIT.fallback;
}
