import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of docs/architecture.md, top to bottom: a folder of lib/ may import the folders
 * listed after it, never those before it (`metadata`, `errors` and `util` are below them all).
 * `migrations` and `cli` stand beside the stack and use the connection. The exceptions are
 * named where they are granted.
 */
const layers = [
  'testing',
  'nest',
  'cli',
  'input',
  'migrations',
  'connection',
  'unit-of-work',
  'model',
  'associations',
  'query',
  'sql',
  'context',
  'transactions',
  'driver',
  'metadata',
  'errors',
  'util',
];

/** Side branches that the stack below them never imports, nor each other except as listed. */
const besides = { cli: ['nest', 'input'], migrations: ['input', 'unit-of-work', 'model'] };

function forbiddenFor(folder) {
  const above = layers.slice(0, layers.indexOf(folder));
  const forbidden = new Set([...above, ...(besides[folder] ?? [])]);
  // Repository (lib/model) hands relation work to lib/associations, which uses the record layer
  // of lib/model but never Model or Repository themselves.
  if (folder === 'model') forbidden.delete('associations');
  if (folder === 'associations') forbidden.delete('model');
  return [...forbidden];
}

const layerRules = layers.map((folder) => {
  const patterns = forbiddenFor(folder).map((other) => ({
    group: [`../${other}/*`, `../../${other}/*`],
    message: `lib/${folder} is below lib/${other} in docs/architecture.md: it must not import it.`,
    // lib/metadata's column options accept a sql fragment as a default: a type, not a call.
    allowTypeImports: folder === 'metadata' && other === 'sql',
  }));
  if (folder === 'associations') {
    patterns.push({
      group: ['../model/model', '../model/repository'],
      message: 'lib/associations works on the record layer: Model and Repository call into it.',
      allowTypeImports: false,
    });
  }
  return {
    files: [`lib/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'sample-app/dist/',
      'bench/dist/',
      'bench/peers/dist/',
      'bench/peers/generated/',
      'schematics/**/files/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...layerRules,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
