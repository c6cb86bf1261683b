import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs } from '@nestjs/config';
import { AppConfig } from './app-config.js';
import { readAccess, readBrowser, readLimits, readMcp, readRecovery, readServer } from './config-sections.js';

/*
 * One @nestjs/config namespace per concern (`server`, `browser`, ... readable through ConfigService,
 * e.g. `config.getOrThrow('limits.sendLimit')`), and AppConfig, the typed flat view the services
 * inject, assembled from them. Namespaces are read when the app is built, not when this file is
 * imported: main.ts loads `.env` first (the only reader of it, hence ignoreEnvFile).
 */
const NAMESPACES = [
  registerAs('server', () => readServer(process.env, process.argv)),
  registerAs('browser', () => readBrowser(process.env, process.cwd())),
  registerAs('recovery', () => readRecovery(process.env)),
  registerAs('access', () => readAccess(process.env)),
  registerAs('limits', () => readLimits(process.env)),
  registerAs('mcp', () => readMcp(process.env)),
];

@Global()
@Module({
  imports: [NestConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: NAMESPACES })],
  providers: [
    {
      provide: AppConfig,
      inject: NAMESPACES.map((namespace) => namespace.KEY),
      useFactory: (...sections: object[]) => new AppConfig(Object.assign({}, ...sections) as AppConfig),
    },
  ],
  exports: [AppConfig],
})
export class ConfigModule {}
