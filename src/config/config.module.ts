import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs } from '@nestjs/config';
import { AppConfig, CONFIG_SECTIONS } from './app-config.js';

/*
 * One @nestjs/config namespace per concern (`server`, `browser`, ... readable through ConfigService,
 * e.g. `config.getOrThrow('limits.sendLimit')`), and AppConfig, the typed flat view the services
 * inject, assembled from them. Namespaces are read when the app is built, not when this file is
 * imported: main.ts loads `.env` first (the only reader of it, hence ignoreEnvFile).
 */
const NAMESPACES = Object.entries(CONFIG_SECTIONS).map(([name, read]) =>
  registerAs(name, () => read(process.env, process.cwd(), process.argv)),
);

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
