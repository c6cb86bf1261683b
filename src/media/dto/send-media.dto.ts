import type { ApiPropertyOptions } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { phoneNumberDoc } from '../../openapi/input-docs.js';
import { asVoiceProblem, captionProblem, CAPTION_RULE, mediaProblem } from '../media-rules.js';

/** A property checked by one of media-rules.ts' functions, refused with its text. */
export const Rule = (name: string, problem: (value: unknown, object: object) => string | null): PropertyDecorator =>
  ValidateBy({
    name,
    validator: {
      validate: (value, args) => problem(value, args?.object ?? {}) === null,
      defaultMessage: (args) => problem(args?.value, args?.object ?? {}) ?? name,
    },
  });

export const CAPTION_DOC: ApiPropertyOptions = {
  description: `Text shown with the file (not with a voice note). At most 65536 characters (else 400 "${CAPTION_RULE}").`,
  example: 'The March invoice',
  required: false,
  maxLength: 65_536,
};

export const AS_VOICE_DOC: ApiPropertyOptions = {
  description: 'Send an audio file as a voice note (push-to-talk). Audio only; OGG/Opus is what WhatsApp plays. Default false.',
  type: 'boolean',
  required: false,
  default: false,
};

/** POST /api/send-media as JSON; a multipart upload is read into this same shape (media-body.ts). */
export class SendMediaDto {
  @ApiProperty(phoneNumberDoc('The recipient.'))
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(CAPTION_DOC)
  @Rule('isCaption', captionProblem)
  caption?: string;

  @ApiProperty(AS_VOICE_DOC)
  @Rule('isAsVoice', asVoiceProblem)
  as_voice?: boolean;

  @ApiProperty({
    description:
      'The file: `{ url }` (fetched over http(s); private and metadata addresses refused unless WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS) ' +
      'or `{ data, mimetype, filename? }` (base64). At most WHATSAPP_MEDIA_MAX_BYTES (16 MiB) once decoded, else 413. ' +
      'The type is read from the bytes; `mimetype` is only a hint.',
    oneOf: [
      {
        type: 'object',
        properties: { url: { type: 'string', format: 'uri', maxLength: 2048 } },
        required: ['url'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          data: { type: 'string', format: 'byte' },
          mimetype: { type: 'string', example: 'application/pdf' },
          filename: { type: 'string', maxLength: 255, example: 'invoice.pdf' },
        },
        required: ['data', 'mimetype'],
        additionalProperties: false,
      },
    ],
  })
  @Rule('isMedia', mediaProblem)
  media!: { url: string } | { data: string; mimetype: string; filename?: string };
}
