import { recoveryFor, restartDelay } from './recovery-policy.js';

describe('restartDelay', () => {
  it('doubles from the minimum up to the maximum (no jitter at the midpoint)', () => {
    const schedule = Array.from({ length: 9 }, (_, attempt) => restartDelay(attempt, 1000, 60_000, () => 0.5));
    expect(schedule).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('jitters within ±20%', () => {
    expect(restartDelay(0, 1000, 60_000, () => 0)).toBe(800);
    expect(restartDelay(0, 1000, 60_000, () => 0.999_999)).toBe(1200);
    expect(restartDelay(10, 1000, 60_000, () => 0)).toBe(48_000);
  });

  it('does not overflow on huge attempt counts', () => {
    expect(restartDelay(10_000, 1000, 60_000, () => 0.5)).toBe(60_000);
  });
});

describe('recoveryFor', () => {
  it.each(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE'])('%s is a phone-side unlink', (reason) => {
    expect(recoveryFor(reason)).toEqual({ action: 'unlinked', description: `the device was unlinked from the phone (${reason})` });
  });

  it.each(['CONFLICT', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'DEPRECATED_VERSION'])('%s waits for a person', (reason) => {
    expect(recoveryFor(reason).action).toBe('stay');
  });

  it.each(['BROWSER_CLOSED', 'PAGE_CRASHED', 'PAGE_CLOSED', 'PROXYBLOCK', 'UNLAUNCHED', 'SOMETHING_NEW'])('%s is retried', (reason) => {
    expect(recoveryFor(reason).action).toBe('retry');
    expect(recoveryFor(reason).description).toContain(`(${reason})`);
  });
});
