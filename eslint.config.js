// ESLint 10 flat config: typescript-eslint's type-aware recommended rules on src/, test/ and scripts/,
// with the promise rules as errors: a promise nobody awaits is how this server loses failures.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.wwebjs_auth/', '.wwebjs_cache/', '.whatsapp-data/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    // Plain JavaScript: configs, scripts' loader hooks and the simulated WhatsApp Web page.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Runs inside Chrome, not Node.
    files: ['src/sandbox/simulator/page/**/*.js', 'src/sandbox/page/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The simulated WhatsApp Web is one classic script that prepare() joins from these numbered parts:
    // each part uses what the others declare, which a per-file check cannot see.
    files: ['src/sandbox/simulator/page/**/*.js'],
    languageOptions: { sourceType: 'script' },
    // Its console is the page's own (puppeteer shows it when a browser test fails).
    rules: { 'no-undef': 'off', '@typescript-eslint/no-unused-vars': 'off', 'no-console': 'off' },
  },
  {
    // The phone driver reads the page's messages: JSON whose shape the page, not the type checker,
    // guarantees (the driver's tests in the browser suite are its check).
    files: ['src/sandbox/simulator/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Tests and the benchmark may print, and read loosely typed answers (supertest's `body` is `any`):
    // the assertions on them are the type check.
    files: ['test/**', '**/*.spec.ts', 'scripts/**'],
    rules: {
      'no-console': 'off',
      // Fakes implement the port's promise-returning methods without having anything to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
