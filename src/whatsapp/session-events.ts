import type { WhatsAppClient } from './whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppTopicName } from './whatsapp-events.js';

/**
 * Forwards a client's message events to the bus under our topics, while `current()` says the
 * client is still the session's: a client being closed (or replaced) publishes nothing more.
 */
export function publishClientEvents(
  client: WhatsAppClient,
  current: () => boolean,
  publish: (topic: WhatsAppTopicName, payload: object) => void,
): void {
  const forward = (topic: WhatsAppTopicName, payload: object): void => {
    if (current()) publish(topic, payload);
  };
  client.on('message', (message) => forward(WhatsAppTopic.received, { message }));
  client.on('message_create', (message) => forward(WhatsAppTopic.created, { message }));
  client.on('message_ack', (ack) => forward(WhatsAppTopic.ack, ack));
  client.on('message_revoke_everyone', (revoke) => forward(WhatsAppTopic.revoked, revoke));
  client.on('message_edit', (edit) => forward(WhatsAppTopic.edited, edit));
  client.on('message_reaction', (reaction) => forward(WhatsAppTopic.reaction, reaction));
}
