import { ValidateBy } from 'class-validator';
import { ApiProperty } from '../../../openapi/doc-decorators.js';
import { isMessageId } from '../../../store/search-rules.js';
import { MESSAGE_ID_PARAM_RULE } from '../../../store/store.service.js';

/** The download tool's input: the message id REST takes in the path. */
export class DownloadMediaToolDto {
  @ApiProperty({
    description: 'The id of a message with `has_media`, as messages, events and search give it.',
    example: 'false_15551234567@c.us_3EB0C767D26A1B2C3D4E',
  })
  @ValidateBy({
    name: 'isMessageId',
    validator: { validate: (value) => isMessageId(value), defaultMessage: () => MESSAGE_ID_PARAM_RULE },
  })
  message_id!: string;
}
