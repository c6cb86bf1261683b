import { readFileSync } from 'node:fs';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { AppConfig, loadAppConfig } from '../../src/config/app-config.js';
import { BUILT_DOCS, DOCS_FILES } from '../../src/openapi/openapi.js';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/security/require-scope.decorator.js';
import { WhatsAppClientFactory } from '../../src/whatsapp/whatsapp-client.port.js';
import { FakeWhatsApp } from '../fake-whatsapp.js';
import { tempDir } from '../temp-dirs.js';

const toOpenApiPath = (path: string) =>
  `/${path}`
    .replace(/\/+/g, '/')
    .replace(/:(\w+)/g, '{$1}')
    .replace(/(.)\/$/, '$1');

it('every route of the app (sandbox included) declares the scope it needs', async () => {
  const config = loadAppConfig({ WHATSAPP_AUTH_DIR: tempDir('wa-auth-'), WHATSAPP_DATA_DIR: tempDir('wa-data-'), LOG_LEVEL: 'silent' });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register('documented')] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(WhatsAppClientFactory)
    .useValue(new FakeWhatsApp())
    .compile();
  moduleRef.useLogger(false);
  try {
    const discovery = moduleRef.get(DiscoveryService);
    const scanner = moduleRef.get(MetadataScanner);
    const reflector = moduleRef.get(Reflector);
    const routes = new Map<string, RouteAccess | undefined>();
    for (const wrapper of discovery.getControllers()) {
      const type = wrapper.metatype as new () => object;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, type) as string | string[]].flat();
      for (const name of scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, () => unknown>)[name];
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        const access = reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [handler, type]);
        for (const prefix of prefixes)
          for (const path of [paths].flat()) routes.set(`${method} ${toOpenApiPath(`${prefix}/${path}`)}`, access);
      }
    }
    expect([...routes].filter(([, access]) => access === undefined).map(([route]) => route)).toEqual([]);
    // The walk saw every route the API documents (so none escaped it).
    const document = JSON.parse(readFileSync(new URL(DOCS_FILES.document, BUILT_DOCS), 'utf8')) as { paths: Record<string, object> };
    // `/api/sessions/{session}/...` is the same handler as `/api/...` (the session routing rewrites the path).
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path.replace(/^\/api\/sessions\/\{session\}\//, '/api/')}`),
    );
    expect(documented.filter((route) => !routes.has(route))).toEqual([]);
    expect(routes.size).toBeGreaterThan(40);
  } finally {
    await moduleRef.close();
  }
});
