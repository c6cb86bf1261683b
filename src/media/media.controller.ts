import { RequireScope } from '../security/require-scope.decorator.js';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SessionName } from '../common/session-name.js';
import { shapeRef } from '../common/shapes.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { SendAnswerShape } from '../messaging/messaging.answers.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { SendMediaDto } from './dto/send-media.dto.js';
import { MediaService } from './media.service.js';

@ApiTags('messaging')
@RequireScope('send')
@Controller('api')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post('send-media')
  @HttpCode(200)
  @Idempotent('send-media')
  @ApiOperation({
    summary: 'Send a picture, video, audio, voice note or document',
    description:
      'JSON as below, or `multipart/form-data` with the fields `phone_number`, `caption`, `as_voice` (`true`/`false`) and one file ' +
      'part named `file`. The type is read from the bytes: pictures, videos and audio WhatsApp plays are shown inline, anything ' +
      'else goes as a document with its file name. Up to WHATSAPP_MEDIA_MAX_BYTES (16 MiB), refused while reading beyond it. ' +
      'Subject to the sending limits (429 with Retry-After).',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOkResponse({ schema: shapeRef(SendAnswerShape) })
  @ApiErrors(...BODY_ERRORS, 'url_not_allowed', 'not_ready', 'whatsapp_error', 'browser_unavailable', 'not_on_whatsapp', 'rate_limited')
  send(@SessionName() session: string, @Body() dto: SendMediaDto) {
    return this.media.send(session, { phoneDigits: dto.phone_number, caption: dto.caption, asVoice: dto.as_voice, source: dto.media });
  }
}
