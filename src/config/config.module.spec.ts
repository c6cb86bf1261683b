import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AppConfig, ConfigError, loadAppConfig } from './app-config.js';
import { ConfigModule } from './config.module.js';

describe('ConfigModule', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('provides AppConfig as loadAppConfig reads it, and each concern as a ConfigService namespace', async () => {
    process.env.WHATSAPP_SEND_LIMIT = '7';
    process.env.WHATSAPP_ALLOWED_HOSTS = 'Proxy.example';
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule] }).compile();
    const config = moduleRef.get(AppConfig);
    expect(config).toBeInstanceOf(AppConfig);
    expect({ ...config }).toEqual({ ...loadAppConfig() });
    expect(config).toMatchObject({ sendLimit: 7, allowedHosts: ['proxy.example'], port: 8790 });
    const service = moduleRef.get(ConfigService);
    expect(service.getOrThrow('limits.sendLimit')).toBe(7);
    expect(service.getOrThrow('server.host')).toBe('127.0.0.1');
  });

  it('refuses a bad value with the message naming the variable', async () => {
    process.env.WHATSAPP_RECIPIENT_LIMIT = 'lots';
    const compiled = Test.createTestingModule({ imports: [ConfigModule] }).compile();
    await expect(compiled).rejects.toThrow(ConfigError);
    await expect(compiled).rejects.toThrow(
      'Invalid configuration: WHATSAPP_RECIPIENT_LIMIT must be an integer from 0 to 1000000 (got "lots")',
    );
  });
});
