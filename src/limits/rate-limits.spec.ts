import { jest } from '@jest/globals';
import { loadAppConfig } from '../config/app-config.js';
import { RateLimits } from './rate-limits.js';

const limits = (recipient: number, overall: number) =>
  new RateLimits(
    loadAppConfig({ WHATSAPP_RECIPIENT_LIMIT: String(recipient), WHATSAPP_SEND_LIMIT: String(overall), WHATSAPP_SEND_WINDOW_MS: '60000' }),
  );

const refusal = (rule: string) => ({ code: 'rate_limited', message: expect.stringContaining(rule) as string });

describe('RateLimits: a send slot given back', () => {
  it('frees one send, once', async () => {
    const rate = limits(10, 2);
    const first = await rate.send('1');
    await rate.send('2');
    await first.giveBack();
    await first.giveBack();
    await rate.send('3');
    await expect(rate.send('4')).rejects.toMatchObject(refusal('at most 2 messages per minute'));
  });

  it('is not swallowed by the tries refused meanwhile', async () => {
    const rate = limits(10, 1);
    const slot = await rate.send('1');
    for (let i = 0; i < 3; i++) await expect(rate.send('2')).rejects.toMatchObject(refusal('at most 1 messages per minute'));
    await slot.giveBack();
    await rate.send('2');
  });

  it('a send the overall limit refuses keeps its recipient share', async () => {
    const rate = limits(1, 1);
    const slot = await rate.send('1');
    await expect(rate.send('2')).rejects.toMatchObject(refusal('at most 1 messages per minute'));
    await slot.giveBack();
    await rate.send('2');
    await expect(rate.send('3')).rejects.toMatchObject(refusal('at most 1 messages per minute'));
  });

  it('credits nothing to a window that did not count it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
    try {
      const rate = limits(10, 1);
      const old = await rate.send('1');
      jest.setSystemTime(Date.now() + 60_001);
      await old.giveBack();
      await rate.send('2');
      await expect(rate.send('3')).rejects.toMatchObject(refusal('at most 1 messages per minute'));
    } finally {
      jest.useRealTimers();
    }
  });
});
