import { assertSafeBinding, ConfigError, loadAppConfig } from './app-config.js';

describe('the sandbox settings', () => {
  it('are off by default: auto link, 25 chats, a temporary folder', () => {
    expect(loadAppConfig({}, '/srv/app')).toMatchObject({ sandbox: false, sandboxLink: 'auto', sandboxChats: 25, sandboxDir: null });
  });

  it('read every variable, the folder relative to the working directory', () => {
    const env = {
      WHATSAPP_SANDBOX: 'true',
      WHATSAPP_SANDBOX_LINK: 'QR',
      WHATSAPP_SANDBOX_CHATS: '0',
      WHATSAPP_SANDBOX_DIR: 'sandbox-data',
    };
    expect(loadAppConfig(env, '/srv/app')).toMatchObject({
      sandbox: true,
      sandboxLink: 'qr',
      sandboxChats: 0,
      sandboxDir: '/srv/app/sandbox-data',
    });
    expect(loadAppConfig({ WHATSAPP_SANDBOX_CHATS: '500' }).sandboxChats).toBe(500);
  });

  it.each([
    [{ WHATSAPP_SANDBOX: 'maybe' }, 'WHATSAPP_SANDBOX must be true or false (got "maybe")'],
    [{ WHATSAPP_SANDBOX_LINK: 'pairing' }, 'WHATSAPP_SANDBOX_LINK must be one of auto, qr (got "pairing")'],
    [{ WHATSAPP_SANDBOX_CHATS: '501' }, 'WHATSAPP_SANDBOX_CHATS must be an integer from 0 to 500 (got "501")'],
    [{ WHATSAPP_SANDBOX_CHATS: '-1' }, 'WHATSAPP_SANDBOX_CHATS must be an integer from 0 to 500 (got "-1")'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigError);
    expect(() => loadAppConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });

  it('refuses to listen beyond loopback without a key, like the server', () => {
    const open = loadAppConfig({ WHATSAPP_SANDBOX: 'true', WHATSAPP_MCP_HOST: '0.0.0.0' });
    expect(() => assertSafeBinding(open)).toThrow('Invalid configuration: WHATSAPP_API_KEY must be set when listening beyond loopback');
    expect(() =>
      assertSafeBinding(loadAppConfig({ WHATSAPP_SANDBOX: 'true', WHATSAPP_MCP_HOST: '0.0.0.0', WHATSAPP_API_KEY: 'k' })),
    ).not.toThrow();
  });
});
