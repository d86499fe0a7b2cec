import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const constraints = (extraForTests) => [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:client', ...extraForTests] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing', 'type:client'] },
  // An example of a platform service that publishes into msync: it knows only the contracts.
  { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', ...extraForTests] },
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', ...extraForTests] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', ...extraForTests] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing', 'type:client'] },
];

export default [
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Apps talk to each other only over Kafka/HTTP; shared code lives in libs with tags that bite.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: constraints([]),
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.bench.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests (only tests) may use the test harness.
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, depConstraints: constraints(['type:testing']) }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
