import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module.js';
import { SandboxControls } from './sandbox-controls.js';
import { SandboxPageController } from './sandbox-page.controller.js';
import { SandboxPageService } from './sandbox-page.service.js';
import { SandboxPhone, type SandboxOptions } from './sandbox-phone.js';
import { SandboxController } from './sandbox.controller.js';

/** Closes the phone (its control server, and its temporary folder) when the server stops. */
@Injectable()
class SandboxShutdown implements OnApplicationShutdown {
  constructor(private readonly sandbox: SandboxPhone) {}

  onApplicationShutdown(): Promise<void> {
    return this.sandbox.close();
  }
}

/**
 * The sandbox's routes and its phone. Registered only when the sandbox is on, so outside it the
 * routes do not exist (404). The phone is exported for the session to take its launch options from.
 */
@Module({})
export class SandboxModule {
  static register(options: SandboxOptions): DynamicModule {
    return {
      module: SandboxModule,
      imports: [LimitsModule],
      controllers: [SandboxController, SandboxPageController],
      providers: [{ provide: SandboxPhone, useFactory: () => SandboxPhone.start(options) }, SandboxControls, SandboxPageService, SandboxShutdown],
      exports: [SandboxPhone],
    };
  }
}
