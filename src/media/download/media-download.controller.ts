import { RequireScope } from '../../security/require-scope.decorator.js';
import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { SessionName } from '../../common/session-name.js';
import { ApiErrors } from '../../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../../openapi/doc-decorators.js';
import type { MediaContent } from './media-cache.js';
import { contentDisposition, contentType } from './media-headers.js';
import { MediaDownloadService } from './media-download.service.js';

const header = (description: string) => ({ description, schema: { type: 'string' as const } });

/** The file as the answer, with headers that keep a browser from running it as a page of this server. */
const asFile = (content: MediaContent, messageId: string): StreamableFile =>
  new StreamableFile(content.stream(), {
    type: contentType(content.mimetype),
    length: content.size,
    disposition: contentDisposition(content.mimetype, content.filename, messageId),
  });

/** Downloading received (and sent) files. Declared apart from GET /api/messages/{id}: its path has one more segment. */
@ApiTags('media')
@RequireScope('read')
@Controller('api')
export class MediaDownloadController {
  constructor(private readonly media: MediaDownloadService) {}

  @Get('messages/:message_id/media')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  @Header('Cache-Control', 'private, no-cache')
  @ApiOperation({
    summary: "Download a message's file",
    description:
      'Streams the photo, video, voice note or document of a message. Kept in a cache on disk after the first ' +
      'download (WHATSAPP_MEDIA_CACHE_MAX_BYTES), so a cached file is served also while WhatsApp is disconnected. ' +
      'Images, audio and video are `inline`; anything else (a received `.html` too) is an `attachment`.',
  })
  @ApiOkResponse({
    description: 'The file, with the type WhatsApp announced (`application/octet-stream` when it is malformed)',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    headers: {
      'Content-Type': header('The announced type'),
      'Content-Length': header('Bytes'),
      'Content-Disposition': header('`inline` or `attachment`, with `filename` (ASCII) and `filename*` (UTF-8), RFC 6266'),
      'X-Content-Type-Options': header('Always `nosniff`'),
    },
  })
  @ApiErrors('invalid_input', 'not_found', 'message_not_found', 'no_media', 'not_ready', 'whatsapp_error')
  async download(@SessionName() session: string, @Param('message_id') messageId: string): Promise<StreamableFile> {
    return asFile(await this.media.file(session, messageId), messageId);
  }
}
