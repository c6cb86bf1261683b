import { Injectable } from '@nestjs/common';
import type { MessageSource } from './event-envelope.js';

/** How long a send is remembered: the library reports our own message within seconds. */
const REMEMBER_MS = 10 * 60_000;
/** Bound on what is remembered, should the library never report some sends. */
const MAX_REMEMBERED = 10_000;

interface InFlight {
  chatId: string;
  body: string;
  since: number;
  /** Set once the library reported the message while the send was still running. */
  messageId: string | null;
}

/** A send through the API, between "about to call the client" and its outcome. */
export interface SendTicket {
  /** The client answered with the message's id. */
  sent(messageId: string): void;
  /** The client failed: nothing with this id will be reported as ours. */
  failed(): void;
}

/**
 * Tells a message this account created (`message_create`) that was sent through this server
 * (`api`) from one sent on the phone or another device (`phone`). The library may report the
 * message before `sendMessage` resolves, so a send is recorded as in flight (chat and text) before
 * the client is called, and matched by id once it has one. An in-flight send is matched by chat
 * first and by text alone second, since WhatsApp may name the same chat by a `@lid` id instead of
 * the `@c.us` one we sent to; only the same text sent from the phone in that instant could be
 * mistaken for ours.
 */
@Injectable()
export class SentMessageRegistry {
  private readonly inFlight = new Set<InFlight>();
  /** Ids of messages sent through the API, with when they were recorded (insertion order = age). */
  private readonly sentIds = new Map<string, number>();
  /** Replaceable in tests. */
  now: () => number = Date.now;

  begin(chatId: string, body: string): SendTicket {
    this.forgetOld();
    const entry: InFlight = { chatId, body, since: this.now(), messageId: null };
    this.inFlight.add(entry);
    return {
      sent: (messageId) => {
        this.inFlight.delete(entry);
        if (entry.messageId !== messageId) this.remember(messageId);
      },
      failed: () => void this.inFlight.delete(entry),
    };
  }

  /** Decides once per message; a message reported again (the library can) keeps its answer. */
  sourceOf(message: { id: string; chat_id: string; body: string }): MessageSource {
    this.forgetOld();
    if (this.sentIds.has(message.id)) return 'api';
    const open = [...this.inFlight].filter((entry) => entry.messageId === null && entry.body === message.body);
    const match = open.find((entry) => entry.chatId === message.chat_id) ?? open[0];
    if (!match) return 'phone';
    match.messageId = message.id;
    this.remember(message.id);
    return 'api';
  }

  private remember(messageId: string): void {
    this.sentIds.delete(messageId);
    this.sentIds.set(messageId, this.now());
    this.forgetOld();
  }

  private forgetOld(): void {
    const cutoff = this.now() - REMEMBER_MS;
    for (const [id, at] of this.sentIds) {
      if (at >= cutoff && this.sentIds.size <= MAX_REMEMBERED) break;
      this.sentIds.delete(id);
    }
    for (const entry of this.inFlight) if (entry.since < cutoff) this.inFlight.delete(entry);
  }
}
