/** Jest 30 + ts-jest in native ESM mode (run with NODE_OPTIONS=--experimental-vm-modules, see package.json). */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Servers and Chrome start slowly on a loaded 2-core machine; every wait inside a test has its own, shorter limit.
  testTimeout: 30_000,
};

export default {
  // A global option: inside `projects` Jest 30 ignores it, and the default (5 s) applied.
  testTimeout: base.testTimeout,
  projects: [
    // Unit tests live beside the code; the adapter's, which needs the library itself, in test/unit
    // (only the adapter imports whatsapp-web.js in src/).
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    { ...base, displayName: 'chromium', testMatch: ['<rootDir>/test/chromium/**/*.chromium-spec.ts'] },
    // npm run test:browser: the real library in a real Chromium against the simulated WhatsApp Web.
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/**/*.browser-spec.ts'] },
  ],
};
