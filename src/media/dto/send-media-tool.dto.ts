import { IDEMPOTENCY_KEY_RULE } from '../../messaging/dto/send-message-tool.dto.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../idempotency/idempotency.service.js';
import { IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { phoneNumberDoc } from '../../openapi/input-docs.js';
import {
  asVoiceProblem,
  captionProblem,
  dataProblem,
  filenameProblem,
  mimetypeProblem,
  ONE_SOURCE_RULE,
  urlProblem,
} from '../media-rules.js';
import { AS_VOICE_DOC, CAPTION_DOC, Rule } from './send-media.dto.js';

/** `url`, or `data` with `mimetype`: exactly one source. */
const source =
  (own: (value: unknown) => string | null) =>
  (value: unknown, object: object): string | null => {
    const { url, data } = object as { url?: unknown; data?: unknown };
    if ((url === undefined) === (data === undefined)) return ONE_SOURCE_RULE;
    return value === undefined ? null : own(value);
  };

/** The send-media tool's input: REST's body made flat (MCP clients handle flat objects best), plus an idempotency key. */
export class SendMediaToolDto {
  @ApiProperty(phoneNumberDoc('The recipient.'))
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty({ description: 'The file to fetch (http or https; private addresses refused). Give url or data.', required: false })
  @Rule('isMediaUrl', source(urlProblem))
  url?: string;

  @ApiProperty({ description: 'The file in base64. Give url or data (with mimetype). At most 16 MiB decoded.', required: false })
  @Rule('isMediaData', source(dataProblem))
  data?: string;

  @ApiProperty({
    description: 'With data: its MIME type, e.g. application/pdf (a hint: the type is read from the bytes).',
    required: false,
  })
  @Rule('isMimetype', (value, object) =>
    (object as { data?: unknown }).data === undefined ? (value === undefined ? null : ONE_SOURCE_RULE) : mimetypeProblem(value),
  )
  mimetype?: string;

  @ApiProperty({ description: 'The name the recipient sees for a document.', required: false })
  @Rule('isFilename', filenameProblem)
  filename?: string;

  @ApiProperty(CAPTION_DOC)
  @Rule('isCaption', captionProblem)
  caption?: string;

  @ApiProperty(AS_VOICE_DOC)
  @Rule('isAsVoice', asVoiceProblem)
  as_voice?: boolean;

  @ApiProperty({
    description:
      'Optional, 1 to 255 visible ASCII characters. A repeat with the same key and the same input gets the first answer again ' +
      'and sends nothing; the same key with another input fails with `idempotency_mismatch`.',
    required: false,
  })
  @Rule('isIdempotencyKey', (value) =>
    value === undefined || (typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value)) ? null : IDEMPOTENCY_KEY_RULE,
  )
  idempotency_key?: string;
}
