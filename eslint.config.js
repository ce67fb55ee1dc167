// ESLint over every JavaScript file of ours (ctest: js.lint). The recommended
// rules catch real mistakes (unused names, unreachable code, async promise
// executors); formatting is left to the editor.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/**', 'build-*/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // Playwright fixtures that use no other fixture take `({}, use)`.
    files: ['tests/browser/**/*.js'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
];
