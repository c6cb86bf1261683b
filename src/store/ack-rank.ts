import type { AckName } from '../whatsapp/whatsapp-client.port.js';

/** Acks as ordered numbers, so "never backwards" is a comparison in SQL; `error` only replaces `pending`. */
const ACKS: readonly AckName[] = ['error', 'pending', 'server', 'device', 'read', 'played'];
export const ackRank = (ack: AckName): number => ACKS.indexOf(ack) - 1;
export const ackName = (rank: number): AckName => ACKS[rank + 1] ?? 'pending';
