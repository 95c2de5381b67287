import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/results/**', 'coverage/**', 'scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Dependencies point one way: integrations → bot → flows. bot/main.ts is the composition root.
    files: ['flows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/bot/**', '**/integrations/**'], message: 'flows/ is a library that knows no bot or integration.' }] }],
    },
  },
  {
    files: ['bot/**/*.ts'],
    ignores: ['bot/main.ts', 'bot/cli-chat.ts', 'bot/compose.ts', 'bot/admin-create.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/integrations/**'], message: 'only the composition root (bot/main.ts, bot/compose.ts) wires integrations in.' }] }],
    },
  },
);
