import { Injectable, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config.js';
import { Clock } from './clock.js';
import { LaunchOverrides } from './launch-overrides.js';
import { StoreStatusHook } from './store-status.hook.js';
import { WhatsAppClientFactory } from './whatsapp-client.port.js';
import { WhatsAppSession } from './whatsapp-session.js';

/**
 * Makes sessions from what DI provides, so tests replace a part (the port, the clock) by binding it.
 * Launch overrides, when a module binds them (the sandbox), take the place of the configured settings.
 */
@Injectable()
export class WhatsAppSessionFactory {
  private readonly config: AppConfig;
  private readonly prepareLaunch?: LaunchOverrides['prepare'];

  constructor(
    config: AppConfig,
    private readonly clients: WhatsAppClientFactory,
    private readonly clock: Clock,
    private readonly bus: EventEmitter2,
    private readonly storeStatus: StoreStatusHook,
    @Optional() overrides?: LaunchOverrides,
  ) {
    this.config = overrides ? overrides.apply(config) : config;
    this.prepareLaunch = overrides?.prepare;
  }

  create(id: string): WhatsAppSession {
    return new WhatsAppSession(id, {
      config: this.config,
      clients: this.clients,
      clock: this.clock,
      bus: this.bus,
      storeStatus: this.storeStatus,
      prepareLaunch: this.prepareLaunch,
    });
  }
}
