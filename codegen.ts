import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the console, from the committed admin SDL. `pnpm codegen:check` fails in CI when
// console/app/gql is stale.
const config: CodegenConfig = {
  schema: 'api/schema/admin.graphql',
  documents: ['console/app/**/*.{ts,tsx}', '!console/app/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    // Runtime descriptions of enums and list filters (the client preset gives their types only).
    'console/app/gql/lists.ts': { plugins: ['./console/codegen/list-filters.cjs'] },
    'console/app/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: false,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
  hooks: {},
};

export default config;
