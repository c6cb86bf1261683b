import type { z } from 'zod';
import { type AccountShape, type ClientStatusShape } from '../../src/auth/auth.answers.js';
import { ChatShape, MessageShape } from '../../src/messaging/messaging.answers.js';
import { NOT_READY_EXAMPLE } from '../../src/openapi/api-errors.js';
import type { ClientStatus } from '../../src/whatsapp/client-status.js';
import { notReadyError } from '../../src/whatsapp/not-ready.js';
import type { AccountInfo, ChatSummary, MessageSummary } from '../../src/whatsapp/whatsapp-client.port.js';
import { fakeChat, fakeMessage } from '../fake-whatsapp.js';

/*
 * The answer shapes embed what the port produces (its types belong to src/whatsapp). Typechecking
 * this file fails when the two drift: `same<A, B>()` compiles only when A and B are the same type.
 */
function same<A, B>(..._proof: [A] extends [B] ? ([B] extends [A] ? [] : [never]) : [never]): true {
  return true;
}

describe('answer shapes and the port', () => {
  it('declare the same types as the port (checked by tsc)', () => {
    expect(same<z.infer<typeof ClientStatusShape>, ClientStatus>()).toBe(true);
    expect(same<z.infer<typeof AccountShape>, AccountInfo>()).toBe(true);
    expect(same<z.infer<typeof ChatShape>, ChatSummary>()).toBe(true);
    expect(same<z.infer<typeof MessageShape>, MessageSummary>()).toBe(true);
    // @ts-expect-error a drift (timestamp as text) does not compile
    same<z.infer<typeof MessageShape>, Omit<MessageSummary, 'timestamp'> & { timestamp: string }>();
  });

  it('accept what the fake port produces', () => {
    const chat = fakeChat('15551234567@c.us', 500, { last_message: fakeMessage('15551234567@c.us', 2) });
    expect(ChatShape.safeParse(chat)).toMatchObject({ success: true });
    expect(MessageShape.safeParse({ ...fakeMessage('15551234567@c.us', 1), timestamp: 1.5 })).toMatchObject({ success: false });
  });

  it("the documented not_ready example is the server's own text", () => {
    expect(NOT_READY_EXAMPLE).toBe(notReadyError('starting', null).message);
  });
});
