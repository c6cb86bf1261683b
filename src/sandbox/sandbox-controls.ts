import { Injectable } from '@nestjs/common';
import { AppError, invalidInput } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type {
  AckDto,
  ConnectionDto,
  EditDto,
  IncomingDto,
  PairingDto,
  ReactDto,
  RegisteredDto,
  RevokeDto,
  SeedDto,
} from './dto/sandbox-controls.dto.js';
import { SandboxPhone } from './sandbox-phone.js';
import type { SentMessage } from './simulator/types.js';

export interface SandboxState {
  ok: true;
  /** The simulated account's own number (digits). */
  me: string;
  linked: boolean;
  qr_pending: boolean;
  chats: number;
}

export interface Done {
  ok: true;
}

const NOT_LINKED = 'The sandbox phone has no linked device: link it first (POST /api/sandbox/scan once the server shows a QR).';
const done: Done = { ok: true };

/**
 * The phone side of the sandbox as plain operations, for the JSON routes and the /sandbox page: a
 * contact writes, acks, edits, deletes, reacts; the phone scans, unlinks, loses its connection.
 */
@Injectable()
export class SandboxControls {
  constructor(private readonly sandbox: SandboxPhone) {}

  private get phone() {
    return this.sandbox.phone;
  }

  async state(): Promise<SandboxState> {
    return {
      ok: true,
      me: this.phone.me.split('@')[0],
      linked: (await this.phone.linkedDevices()) > 0,
      qr_pending: this.phone.qrPending(),
      chats: this.phone.chats().length,
    };
  }

  async incoming({ from, body, group, media }: IncomingDto): Promise<Done & { id: string }> {
    await this.requireLinked();
    const { id } = await this.phone.deliverIncoming({ from: `${from}@c.us`, body: body ?? '', group, media }).catch(phoneFailure);
    return { ok: true, id };
  }

  /** The last `limit` messages the server sent, oldest first. */
  async sent(limit: number): Promise<Done & { messages: SentMessage[] }> {
    const messages = await this.phone.sent();
    return { ok: true, messages: messages.slice(-limit) };
  }

  async ack({ id, ack }: AckDto): Promise<Done> {
    await this.requireLinked();
    await this.phone.ack(id, ack).catch(phoneFailure);
    return done;
  }

  async edit({ id, body }: EditDto): Promise<Done> {
    await this.requireLinked();
    await this.phone.edit(id, body).catch(phoneFailure);
    return done;
  }

  async revoke({ id }: RevokeDto): Promise<Done> {
    await this.requireLinked();
    await this.phone.revoke(id).catch(phoneFailure);
    return done;
  }

  async react({ id, from, reaction }: ReactDto): Promise<Done & { id: string }> {
    await this.requireLinked();
    const reacted = await this.phone.react(id, from, reaction).catch(phoneFailure);
    return { ok: true, id: reacted.id };
  }

  async scan(): Promise<Done> {
    if (!this.phone.qrPending()) throw new AppError('not_ready', 'No QR code is shown: start linking first (POST /api/auth/start).');
    await this.phone.scanQr().catch(phoneFailure);
    return done;
  }

  async pairing({ code }: PairingDto): Promise<Done> {
    await this.phone.enterPairingCode(code).catch(() => {
      throw invalidInput('That pairing code is not the one the server is waiting for (POST /api/pairing-code asks for one).');
    });
    return done;
  }

  async unlink(): Promise<Done> {
    await this.sandbox.unlink().catch(phoneFailure);
    return done;
  }

  async connection({ up }: ConnectionDto): Promise<Done & { up: boolean }> {
    await this.requireLinked();
    await (up ? this.phone.restoreConnection() : this.phone.dropConnection()).catch(phoneFailure);
    return { ok: true, up };
  }

  async registered({ numbers, registered }: RegisteredDto): Promise<Done & { numbers: string[]; registered: boolean }> {
    await (registered ? this.phone.registered(numbers) : this.phone.unregistered(numbers));
    return { ok: true, numbers, registered };
  }

  async seed({ chats, messages_per_chat }: SeedDto): Promise<Done & { chats: number; messages_per_chat: number }> {
    await this.sandbox.seed(chats, messages_per_chat).catch(phoneFailure);
    return { ok: true, chats, messages_per_chat };
  }

  private async requireLinked(): Promise<void> {
    if ((await this.phone.linkedDevices()) === 0) throw new AppError('not_ready', NOT_LINKED);
  }
}

/** The phone's refusals in our vocabulary: an unknown message is not found, a wrong request is the caller's. */
function phoneFailure(error: unknown): never {
  if (error instanceof AppError) throw error;
  const text = describeError(error).replace(/^phone: /, '');
  if (/unknown (message|group)/.test(text)) throw new AppError('not_found', `The sandbox knows no such ${text.replace(/^unknown /, '')}.`);
  if (/only messages the account sent|revoked and cannot be edited|is not a group/.test(text)) throw invalidInput(text);
  if (/timed out|no linked page|page went away|did not ack/.test(text))
    throw new AppError('not_ready', `The sandbox phone could not reach the linked device: ${text}`);
  throw error;
}
