import type { EventEmitter2 } from '@nestjs/event-emitter';

/** Collects `count` events of `topic`; throws after `timeoutMs`, saying how many it saw. */
export function collect<T>(bus: EventEmitter2, topic: string, count: number, timeoutMs: number): Promise<T[]> {
  const seen: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bus.off(topic, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} ${topic} events; saw ${seen.length}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      seen.push(payload);
      if (seen.length < count) return;
      clearTimeout(timer);
      bus.off(topic, listener);
      resolve(seen);
    };
    bus.on(topic, listener);
  });
}
