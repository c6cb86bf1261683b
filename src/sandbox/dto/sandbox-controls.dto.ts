import { IsOptional, ValidateIf } from 'class-validator';
import { IsLimit } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { limitDoc } from '../../openapi/input-docs.js';
import { ACKS, type AckLevel } from '../simulator/types.js';
import { IsCount, IsFlag, IsIncomingMedia, IsMessageId, IsNumberOf, IsNumbers, IsOneOf, IsReaction, IsText } from './sandbox-rules.js';
import type { IncomingMedia } from '../simulator/types.js';

export const SENT_LIMIT = { max: 1000, fallback: 100 } as const;
export const SEED_LIMITS = { chats: 500, messagesPerChat: 200 } as const;
const MAX_GROUP_NAME = 100;

/** A contact (or a group member) writes to the account. */
export class IncomingDto {
  @IsNumberOf('from')
  from!: string;

  /** With `media`, the caption: it may then be left out or empty. */
  @ValidateIf((dto: IncomingDto) => dto.media === undefined || (dto.body !== undefined && dto.body !== ''))
  @IsText('body', undefined, false)
  body?: string;

  /** A group's name: the message arrives in that group from `from` (created when new). */
  @IsOptional()
  @IsText('group', MAX_GROUP_NAME, false)
  group?: string;

  @ValidateIf((dto: IncomingDto) => dto.media !== undefined)
  @IsIncomingMedia()
  media?: IncomingMedia;
}

export class SentQueryDto {
  @ApiProperty(limitDoc(SENT_LIMIT, 'sent messages'))
  @IsLimit(SENT_LIMIT.max, SENT_LIMIT.fallback)
  limit: number = SENT_LIMIT.fallback;
}

export class AckDto {
  @IsMessageId()
  id!: string;

  @IsOneOf('ack', Object.keys(ACKS))
  ack!: AckLevel;
}

export class EditDto {
  @IsMessageId()
  id!: string;

  @IsText('body')
  body!: string;
}

export class RevokeDto {
  @IsMessageId()
  id!: string;
}

export class ReactDto {
  @IsMessageId()
  id!: string;

  @IsNumberOf('from')
  from!: string;

  /** An emoji; an empty string removes the reaction. */
  @IsReaction()
  reaction!: string;
}

export class PairingDto {
  @IsText('code', 16)
  code!: string;
}

export class ConnectionDto {
  @IsFlag('up')
  up!: boolean;
}

export class RegisteredDto {
  @IsNumbers()
  numbers!: string[];

  @IsFlag('registered')
  registered!: boolean;
}

export class SeedDto {
  @IsCount('chats', 0, SEED_LIMITS.chats)
  chats!: number;

  @IsCount('messages_per_chat', 0, SEED_LIMITS.messagesPerChat)
  messages_per_chat!: number;
}
