import type { PuppeteerNode } from 'puppeteer';
import type { Library } from './wwebjs.mapping.js';

type Loaded = { library: Library; puppeteer: Pick<PuppeteerNode, 'launch'> };
let loading: Promise<Loaded> | null = null;

/**
 * whatsapp-web.js and puppeteer (tens of MB resident) are loaded when the first client starts, so
 * an idle server that never runs Chrome never holds them.
 */
export function loadLibrary(): Promise<Loaded> {
  loading ??= Promise.all([import('whatsapp-web.js'), import('puppeteer')]).then(([wwebjs, puppeteer]) => ({
    library: wwebjs.default,
    puppeteer: puppeteer.default,
  }));
  return loading;
}
