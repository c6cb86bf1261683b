import { loadAppConfig } from './app-config.js';

describe('loadAppConfig: the data folder and events', () => {
  it('has the documented defaults', () => {
    expect(loadAppConfig({}, '/srv/app')).toMatchObject({
      dataDir: '/srv/app/.whatsapp-data',
      eventRetentionHours: 168,
      eventStreamKeepAliveMs: 15_000,
    });
  });

  it('takes the data folder relative to the working directory', () => {
    expect(loadAppConfig({ WHATSAPP_DATA_DIR: 'state/data' }, '/srv/app').dataDir).toBe('/srv/app/state/data');
    expect(loadAppConfig({ WHATSAPP_DATA_DIR: '/var/lib/wa' }, '/srv/app').dataDir).toBe('/var/lib/wa');
  });

  it.each([
    ['WHATSAPP_EVENT_RETENTION_HOURS', '0', 'must be an integer from 1 to 87600 (got "0")'],
    ['WHATSAPP_EVENT_RETENTION_HOURS', 'a week', 'must be an integer from 1 to 87600 (got "a week")'],
    ['WHATSAPP_EVENT_STREAM_KEEPALIVE_MS', '60000', 'must be an integer from 100 to 15000 (got "60000")'],
  ])('refuses %s=%s naming the variable', (variable, value, problem) => {
    expect(() => loadAppConfig({ [variable]: value })).toThrow(`Invalid configuration: ${variable} ${problem}`);
  });
});
