// Lint: the recommended JS and TypeScript rules, plus the layer rules of architecture.md section 2
// (only src/aws imports the SDK; the workflow never imports commander, chalk or the SDK).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import kscli from './eslint/layers.js';

const NOT_UI_TOOLKITS = [
  {
    from: '^(commander|chalk|cli-progress|cli-table3)$|^@inquirer/',
    message: 'the workflow never imports commander, chalk or the prompt and progress toolkits',
  },
  { from: '^@aws-sdk/', message: 'only src/aws imports the AWS SDK' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-check/**', 'node_modules/**', 'coverage/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // the product's own rules (tests may break them)
  {
    files: ['src/**/*.ts'],
    rules: {
      // no `any` (issue 17): unknown and a cast at the wire instead
      '@typescript-eslint/no-explicit-any': 'error',
      // ICU stays unloaded and orders do not follow the user's locale (src/util/text-order.ts says why)
      'no-restricted-properties': [
        'error',
        { property: 'localeCompare', message: 'use compareText (src/util/text-order.ts): code-point order, no ICU' },
        { property: 'toLocaleString', message: 'use thousands (src/util/text-order.ts): no ICU' },
      ],
    },
  },
  // cli.ts is the top: nothing imports from it (App, CommandModule, GlobalOptions live in src/app.ts)
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/cli.js'] }],
    },
  },
  // The sandbox stands alone (it is kscli's test double of AWS, and could ship on its own): it
  // imports only itself, node, its npm packages and src/util (leaf helpers importing nothing of
  // kscli). Its errors are its own (sandbox/errors.ts); the CLI translates them at its edge.
  ...[1, 2, 3].map((depth) => ({
    files: [`src/sandbox/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth}}(?!util/)`,
              message: 'the sandbox imports nothing from the CLI (only src/util leaf helpers)',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'src/util holds leaf helpers: they import nothing of kscli' }] },
      ],
    },
  },
  {
    files: ['src/workflow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['@aws-sdk/*', 'commander', 'chalk', '@inquirer/*', 'cli-progress', '**/cli.js', '**/commands/**'],
        },
      ],
    },
  },
  // The layers, for import, export-from and import() alike (eslint/layers.js; a unit test plants a
  // violation of each and watches it fire): ui never imports commands; the workflow never imports
  // ui (progress and prompts arrive through Deps) nor commands.
  {
    files: ['src/**/*.ts'],
    plugins: { kscli },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'kscli/layers': [
        'error',
        [
          {
            from: '^src/commands/',
            message: 'ui never imports commands: result types live in src/workflow or src/schemas',
          },
          { from: '^src/cli\\.js$', message: 'nothing imports cli.ts' },
          { from: '^@aws-sdk/', message: 'only src/aws imports the AWS SDK' },
        ],
      ],
    },
  },
  {
    files: ['src/workflow/**/*.ts'],
    rules: {
      'kscli/layers': [
        'error',
        [
          { from: '^src/ui/', message: 'the workflow never imports ui: progress and prompts arrive through Deps' },
          { from: '^src/commands/', message: 'the workflow never imports commands' },
          { from: '^src/cli\\.js$', message: 'nothing imports cli.ts' },
          ...NOT_UI_TOOLKITS,
        ],
      ],
    },
  },
  // The schemas are data about documents: the descriptors name them, never the other way round
  // (src/commands/published-schemas.ts hands them the command lists).
  {
    files: ['src/schemas/**/*.ts'],
    rules: {
      'kscli/layers': [
        'error',
        [
          {
            from: '^src/(commands|ui|aws)/',
            message: 'the schemas import no commands, ui or AWS adapters: the descriptors name their schemas',
          },
          { from: '^src/cli\\.js$', message: 'nothing imports cli.ts' },
          ...NOT_UI_TOOLKITS,
        ],
      ],
    },
  },
  // src/input parses argv on the path of `--help`, `--version` and flag errors, which must load no
  // workflow module, no ui and no SDK (start-up within 1.4x of bare Node): it may share their types.
  {
    files: ['src/input/**/*.ts'],
    rules: {
      'kscli/layers': [
        'error',
        [
          {
            from: '^src/(commands|ui|aws|sandbox|workflow)/',
            message:
              'src/input parses argv for --help and flag errors: it loads no commands, workflow, ui, AWS or sandbox code',
            typesAllowed: true,
          },
          { from: '^src/cli\\.js$', message: 'nothing imports cli.ts' },
          ...NOT_UI_TOOLKITS,
        ],
      ],
    },
  },
  {
    files: ['src/commands/**/*.ts', 'src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '**/cli.js'] }],
    },
  },
  {
    files: ['src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*'] }],
    },
  },
);
