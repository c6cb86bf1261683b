import { StoreStatusHook } from './store-status.hook.js';
import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FakeWhatsApp } from '../../test/fake-whatsapp.js';
import { tempDir } from '../../test/temp-dirs.js';
import { loadAppConfig } from '../config/app-config.js';
import { SystemClock } from './clock.js';
import { WhatsAppSessionFactory } from './whatsapp-session.factory.js';
import { DEFAULT_SESSION, WhatsAppService } from './whatsapp.service.js';

Logger.overrideLogger(false);

function service(): WhatsAppService {
  const config = loadAppConfig({ WHATSAPP_AUTH_DIR: tempDir('wa-service-'), WHATSAPP_TERMINAL_QR: 'false' });
  return new WhatsAppService(
    new WhatsAppSessionFactory(config, new FakeWhatsApp(), new SystemClock(), new EventEmitter2(), new StoreStatusHook()),
  );
}

describe('WhatsAppService: looking up and creating are separate', () => {
  it('holds `default` from the start, stopped', () => {
    const whatsapp = service();
    expect(whatsapp.session().id).toBe(DEFAULT_SESSION);
    expect(whatsapp.session(DEFAULT_SESSION)).toBe(whatsapp.session());
    expect(whatsapp.session().currentState).toBe('stopped');
  });

  it('a lookup of an unknown id creates nothing', () => {
    const whatsapp = service();
    expect(whatsapp.find('sales')).toBeUndefined();
    expect(() => whatsapp.session('sales')).toThrow(
      expect.objectContaining({ code: 'session_not_found', message: 'There is no session "sales": create it with POST /api/sessions.' }),
    );
    expect(whatsapp.find('sales')).toBeUndefined();
  });

  it('creates a session once; the id is then found', () => {
    const whatsapp = service();
    const sales = whatsapp.create('sales');
    expect(whatsapp.find('sales')).toBe(sales);
    expect(whatsapp.session('sales')).toBe(sales);
    expect(() => whatsapp.create('sales')).toThrow(expect.objectContaining({ code: 'session_exists' }));
  });
});
