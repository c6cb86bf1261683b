import { Injectable } from '@nestjs/common';
import type { StoreStatus } from './client-status.js';

/**
 * Where a session's status gets its `store` part without src/whatsapp knowing the store: the store
 * module registers its reader at boot. Until then, and when the store is off, the part is null.
 */
@Injectable()
export class StoreStatusHook {
  private reader: (session: string) => StoreStatus | null = () => null;

  provide(reader: (session: string) => StoreStatus | null): void {
    this.reader = reader;
  }

  read(session: string): StoreStatus | null {
    return this.reader(session);
  }
}
