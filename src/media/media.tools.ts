import { Injectable } from '@nestjs/common';
import { STATUS_TOOL } from '../auth/auth.tools.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { McpTool, type McpToolContext } from '../mcp/mcp-tool.decorator.js';
import { SendAnswerShape } from '../messaging/messaging.answers.js';
import { SendMediaToolDto } from './dto/send-media-tool.dto.js';
import { MediaService } from './media.service.js';

/** The media tool's keys are its own, as the send tool's are. */
const SEND_MEDIA_KEY_SCOPE = 'mcp_send_media';

@Injectable()
export class MediaTools {
  constructor(
    private readonly media: MediaService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @McpTool({
    name: 'whatsapp_send_media',
    title: 'Send a WhatsApp picture, document or voice note',
    description:
      'Sends a file from the linked account to a phone number: a picture, video or audio shown inline, a voice note ' +
      '(`as_voice`, audio only), or any other file as a document with its name; optional `caption`. Give `url` (fetched ' +
      'over http or https; private and cloud metadata addresses are refused with `url_not_allowed`) or `data` (base64) with ' +
      '`mimetype`; at most 16 MiB. The type is read from the bytes. It really sends: only call it when the user asked for ' +
      `this file to go to this person. Needs state \`ready\` (else error \`not_ready\`: see ${STATUS_TOOL}). Fails with ` +
      '`not_on_whatsapp` when the number has no WhatsApp account; nothing is sent then. Give an `idempotency_key` to make ' +
      'a retry safe: a repeat with the same key answers the first result and sends nothing.',
    input: SendMediaToolDto,
    output: SendAnswerShape,
    annotations: { title: 'Send media', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    order: 4.5,
    scope: 'send',
  })
  send({ idempotency_key, ...input }: SendMediaToolDto, { session }: McpToolContext) {
    const { phone_number, url, data, mimetype, filename, caption, as_voice } = input;
    const source = url !== undefined ? { url } : { data: data!, mimetype: mimetype!, filename };
    return this.idempotency.once(
      SEND_MEDIA_KEY_SCOPE,
      idempotency_key,
      { ...input },
      () => this.media.send(session, { phoneDigits: phone_number, caption, asVoice: as_voice, source }),
      session,
    );
  }
}
