import { type DynamicModule, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { describeError } from '../common/describe-error.js';
import { AppConfig } from '../config/app-config.js';
import { LimitsModule } from '../limits/limits.module.js';
import { LaunchOverrides } from '../whatsapp/launch-overrides.js';
import { SandboxControls } from './sandbox-controls.js';
import { SandboxPageController } from './sandbox-page.controller.js';
import { SandboxPageService } from './sandbox-page.service.js';
import { sandboxLaunchOverrides, SandboxPhone, type SandboxOptions } from './sandbox-phone.js';
import { SandboxController } from './sandbox.controller.js';
import { SandboxPhones } from './sandbox-phones.js';

/** Closes the phone (its control server, and its temporary folder) when the server stops. */
@Injectable()
class SandboxShutdown implements OnApplicationShutdown {
  constructor(private readonly sandbox: SandboxPhone) {}

  onApplicationShutdown(): Promise<void> {
    return this.sandbox.close();
  }
}

/** The phone as WHATSAPP_SANDBOX_* configure it; `options` (tests) take precedence. */
function startPhone(config: AppConfig, options: SandboxOptions): Promise<SandboxPhone> {
  const logger = new Logger('Sandbox');
  return SandboxPhone.start({
    dir: config.sandboxDir ?? undefined,
    chats: config.sandboxChats,
    link: config.sandboxLink,
    onError: (error) => logger.error(`The sandbox phone could not link the account: ${describeError(error)}`),
    ...options,
  });
}

/**
 * The sandbox's routes and its phone. Registered only when the sandbox is on, so outside it the
 * routes do not exist (404). Global, so that the session factory finds the launch overrides: the
 * phone is started (an async provider) before any session exists, and every session then launches
 * Chrome on the simulated page, with the sandbox's own profile folder, and at boot.
 */
@Module({})
export class SandboxModule {
  static register(options: SandboxOptions = {}): DynamicModule {
    return {
      module: SandboxModule,
      global: true,
      imports: [LimitsModule],
      controllers: [SandboxController, SandboxPageController],
      providers: [
        { provide: SandboxPhone, inject: [AppConfig], useFactory: (config: AppConfig) => startPhone(config, options) },
        SandboxPhones,
        {
          provide: LaunchOverrides,
          inject: [AppConfig, SandboxPhone, SandboxPhones],
          useFactory: (config: AppConfig, sandbox: SandboxPhone, phones: SandboxPhones) =>
            new LaunchOverrides({ ...sandboxLaunchOverrides(config.chromeArgs, sandbox), autoStart: 'always' }, (session) =>
              phones.prepare(session),
            ),
        },
        SandboxControls,
        SandboxPageService,
        SandboxShutdown,
      ],
      exports: [SandboxPhone, LaunchOverrides],
    };
  }

  /**
   * The routes alone, with no phone behind them: for the OpenAPI build (src/openapi.build.ts), which
   * documents them although the sandbox is off there. Never served.
   */
  static documented(): DynamicModule {
    return {
      module: SandboxModule,
      imports: [LimitsModule],
      controllers: [SandboxController, SandboxPageController],
      providers: [{ provide: SandboxPhone, useValue: null }, SandboxPhones, SandboxControls, SandboxPageService],
    };
  }
}
