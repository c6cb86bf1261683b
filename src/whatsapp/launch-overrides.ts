import { AppConfig } from '../config/app-config.js';

/** The launch settings another module may replace for every session it runs beside. */
/** What a launch of one session may take in place of the shared settings. */
export interface SessionLaunch {
  webCacheDir?: string;
}

export type LaunchSettings = Partial<Pick<AppConfig, 'authDir' | 'webVersion' | 'webCacheDir' | 'chromeArgs' | 'autoStart'>>;

/**
 * Bound (globally) by a module that changes how sessions launch, such as the sandbox: its own
 * profile folder, the simulated page's web version and cache folder, its Chrome flags, a start at
 * boot. Unbound, sessions launch as configured. whatsapp depends on this token, never on the module.
 */
export class LaunchOverrides {
  constructor(
    readonly settings: LaunchSettings,
    /**
     * Awaited before each launch of `session`: may get something ready for it (the sandbox starts that
     * session's own phone) and give it a web cache folder of its own.
     */
    readonly prepare?: (session: string) => Promise<SessionLaunch>,
  ) {}

  /** The configuration a session runs with: `config` with these settings in place. */
  apply(config: AppConfig): AppConfig {
    return new AppConfig({ ...config, ...this.settings });
  }
}
