import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { PAIRING_INSTRUCTIONS } from '../auth/auth.service.js';
import { SERVICE_NAME } from '../health/health.service.js';
import { CLIENT_STATES, type ClientState } from '../whatsapp/client-status.js';

/*
 * The answer shapes as OpenAPI schemas. The services return plain objects typed by interfaces
 * (ClientStatus, ChatSummary, ...); these classes only describe them, nothing is built from them.
 */

const CHAT_ID = '15551234567@c.us';
const MESSAGE_ID = `true_${CHAT_ID}_3EB0C767D26A1B2C3D4E`;
const SINCE = '2026-01-05T09:30:00.000Z';

/** A ready status, for the examples of answers that embed one. */
export const STATUS_EXAMPLE = {
  state: 'ready',
  ready: true,
  authenticated: true,
  auth_dir: '/srv/whatsapp-mcp-api/.wwebjs_auth',
  chrome_executable: '/usr/bin/chromium',
  headless: true,
  has_qr: false,
  last_error: null,
  account: { wid: '15550001111@c.us', pushname: 'Alice', platform: 'android' },
  session_saved: true,
  since: SINCE,
  restarts: 0,
  next_restart_at: null,
} as const;

@ApiSchema({ name: 'Account', description: 'The linked account (filled once ready).' })
export class AccountSchema {
  @ApiProperty({ example: '15550001111@c.us' })
  wid!: string;

  @ApiProperty({ example: 'Alice' })
  pushname!: string;

  @ApiProperty({ example: 'android' })
  platform!: string;
}

@ApiSchema({ name: 'ClientStatus', description: 'The status object: where the linked-device client is.' })
export class ClientStatusSchema {
  @ApiProperty({ enum: CLIENT_STATES, enumName: 'ClientState', example: 'ready' })
  state!: ClientState;

  @ApiProperty({ description: 'true only in `ready`', example: true })
  ready!: boolean;

  @ApiProperty({ description: 'true in `authenticated` and `ready`', example: true })
  authenticated!: boolean;

  @ApiProperty({ description: 'Base folder of saved sessions', example: '/srv/whatsapp-mcp-api/.wwebjs_auth' })
  auth_dir!: string;

  @ApiProperty({ type: String, nullable: true, example: '/usr/bin/chromium' })
  chrome_executable!: string | null;

  @ApiProperty({ example: true })
  headless!: boolean;

  @ApiProperty({ description: 'A QR is waiting to be scanned (GET /qr, GET /api/qr)', example: false })
  has_qr!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the client stopped or disconnected', example: null })
  last_error!: string | null;

  @ApiProperty({ type: () => AccountSchema, nullable: true })
  account!: AccountSchema | null;

  @ApiProperty({ description: 'A linked session is saved on disk', example: true })
  session_saved!: boolean;

  @ApiProperty({ format: 'date-time', description: 'When the current state began', example: SINCE })
  since!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Automatic restarts since the server started', example: 0 })
  restarts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the next automatic restart is due', example: null })
  next_restart_at!: string | null;
}

@ApiSchema({ name: 'LivenessStatus', description: 'The status as liveness shows it without the API key.' })
export class LivenessStatusSchema {
  @ApiProperty({ enum: CLIENT_STATES, enumName: 'ClientState', example: 'ready' })
  state!: ClientState;

  @ApiProperty({ example: true })
  ready!: boolean;
}

@ApiSchema({ name: 'Message' })
export class MessageSchema {
  @ApiProperty({ description: 'whatsapp-web.js serialized id', example: MESSAGE_ID })
  id!: string;

  @ApiProperty({ example: '15550001111@c.us' })
  from!: string;

  @ApiProperty({ example: CHAT_ID })
  to!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The sender in a group chat', example: null })
  author!: string | null;

  @ApiProperty({ example: true })
  from_me!: boolean;

  @ApiProperty({ description: 'whatsapp-web.js message type (`chat` for text)', example: 'chat' })
  type!: string;

  @ApiProperty({ example: 'Hello from the server' })
  body!: string;

  @ApiProperty({ type: 'integer', description: 'Unix seconds', example: 1767605400 })
  timestamp!: number;

  @ApiProperty({ example: false })
  has_media!: boolean;
}

@ApiSchema({ name: 'Chat' })
export class ChatSchema {
  @ApiProperty({ description: 'whatsapp-web.js serialized id', example: CHAT_ID })
  id!: string;

  @ApiProperty({ example: 'Bob' })
  name!: string;

  @ApiProperty({ example: false })
  is_group!: boolean;

  @ApiProperty({ example: false })
  is_read_only!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  unread_count!: number;

  @ApiProperty({ type: 'integer', description: 'Unix seconds of the last activity', example: 1767605400 })
  timestamp!: number;

  @ApiProperty({ example: false })
  archived!: boolean;

  @ApiProperty({ example: false })
  pinned!: boolean;

  @ApiProperty({ example: false })
  muted!: boolean;

  @ApiProperty({ type: () => MessageSchema, nullable: true })
  last_message!: MessageSchema | null;
}

@ApiSchema({ name: 'SendAnswer' })
export class SendAnswerSchema {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ description: 'The recipient, digits only', example: '15551234567' })
  to!: string;

  @ApiProperty({ example: CHAT_ID })
  chat_id!: string;

  @ApiProperty({ example: MESSAGE_ID })
  message_id!: string;

  @ApiProperty({ format: 'date-time', example: SINCE })
  timestamp!: string;
}

@ApiSchema({ name: 'ChatsAnswer', description: 'Newest activity first.' })
export class ChatsAnswerSchema {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  count!: number;

  @ApiProperty({ type: () => [ChatSchema] })
  chats!: ChatSchema[];
}

@ApiSchema({ name: 'MessagesAnswer', description: 'Oldest first.' })
export class MessagesAnswerSchema {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ type: () => ChatSchema })
  chat!: ChatSchema;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  count!: number;

  @ApiProperty({ type: () => [MessageSchema] })
  messages!: MessageSchema[];
}

@ApiSchema({ name: 'PairingCodeIssued', description: 'Not linked yet: enter the code on the phone.' })
export class PairingCodeIssuedSchema {
  @ApiProperty({ enum: [false], example: false })
  already_authenticated!: false;

  @ApiProperty({ description: 'The number, digits only', example: '15551234567' })
  phone_number!: string;

  @ApiProperty({ minLength: 8, maxLength: 8, example: 'K7PQ2WXZ' })
  code!: string;

  @ApiProperty({ example: PAIRING_INSTRUCTIONS })
  instructions!: string;
}

@ApiSchema({ name: 'PairingCodeAlreadyLinked', description: 'Already linked and ready: no code.' })
export class PairingCodeAlreadyLinkedSchema {
  @ApiProperty({ enum: [true], example: true })
  already_authenticated!: true;

  @ApiProperty({ type: String, nullable: true, description: 'Always null', example: null })
  code!: null;

  @ApiProperty({ type: () => ClientStatusSchema })
  status!: ClientStatusSchema;
}

@ApiSchema({ name: 'LogoutAnswer' })
export class LogoutAnswerSchema {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ description: 'WhatsApp revoked the linked device (it was connected)', example: true })
  revoked!: boolean;
}

@ApiSchema({ name: 'HealthAnswer' })
export class HealthAnswerSchema {
  @ApiProperty({ enum: [true], example: true })
  ok!: true;

  @ApiProperty({ example: SERVICE_NAME })
  name!: string;

  @ApiProperty({ description: 'The MCP endpoint', example: 'http://127.0.0.1:8790/mcp' })
  mcp!: string;

  @ApiProperty({
    description: 'The full status; only `{ state, ready }` on GET /health without the key when one is set',
    oneOf: [{ $ref: getSchemaPath(ClientStatusSchema) }, { $ref: getSchemaPath(LivenessStatusSchema) }],
  })
  status!: ClientStatusSchema | LivenessStatusSchema;
}

@ApiSchema({ name: 'QrAnswer' })
export class QrAnswerSchema {
  @ApiProperty({ example: true })
  has_qr!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'The raw QR string, to render it yourself', example: '2@Xk3hV9qLm0aBcD...' })
  qr!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The QR as a 360x360 PNG data URL', example: 'data:image/png;base64,iVBORw0KGgo...' })
  data_url!: string | null;
}

@ApiSchema({ name: 'ErrorDetail' })
export class ErrorDetailSchema {
  @ApiProperty({ description: 'Stable error code; see the responses of each route', example: 'invalid_input' })
  code!: string;

  @ApiProperty({ example: 'phone_number must include country code and contain 8-15 digits' })
  message!: string;

  @ApiPropertyOptional({ enum: CLIENT_STATES, enumName: 'ClientState', description: 'With `not_ready` and `start_failed`: the client state' })
  state?: ClientState;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'With `rate_limited`: seconds to wait (also the Retry-After header)' })
  retry_after?: number;

  @ApiPropertyOptional({ description: 'With `internal`: the id to find in the server log' })
  request_id?: string;
}

@ApiSchema({ name: 'ErrorBody', description: 'The one error shape of every REST route.' })
export class ErrorBodySchema {
  @ApiProperty({ enum: [false], example: false })
  ok!: false;

  @ApiProperty({ type: () => ErrorDetailSchema })
  error!: ErrorDetailSchema;
}

@ApiSchema({ name: 'JsonRpcError', description: 'How /mcp refuses a request (JSON-RPC 2.0 error object).' })
export class JsonRpcErrorSchema {
  @ApiProperty({ enum: ['2.0'], example: '2.0' })
  jsonrpc!: '2.0';

  @ApiProperty({
    type: 'object',
    properties: { code: { type: 'integer', example: -32000 }, message: { type: 'string', example: 'Bad Request: Mcp-Session-Id header is required' } },
  })
  error!: { code: number; message: string };

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true, example: null })
  id!: string | number | null;
}

@ApiSchema({ name: 'ReadinessAnswer' })
export class ReadinessAnswerSchema {
  @ApiProperty({ description: 'The WhatsApp client is ready (then 200, else 503)', example: true })
  ready!: boolean;

  @ApiProperty({ enum: CLIENT_STATES, enumName: 'ClientState', example: 'ready' })
  state!: ClientState;
}
