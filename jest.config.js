/**
 * Tests run as ES modules (`node --experimental-vm-modules`): NestJS 12 ships ESM only, and
 * Jest loads it from ESM test code on every supported Node version. Types are checked
 * separately by `npm run typecheck`, so ts-jest only transpiles.
 */
const { compilerOptions } = require('./tsconfig.json');

const transpileWith = (overrides) => ({
  '^.+\\.ts$': [
    'ts-jest',
    {
      useESM: true,
      tsconfig: {
        ...compilerOptions,
        noEmit: false,
        isolatedModules: true,
        module: 'ESNext',
        moduleResolution: 'bundler',
        rootDir: __dirname,
        ...overrides,
      },
    },
  ],
});

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Generated migrations import the package by name, as an app's would.
  moduleNameMapper: {
    '^nestjs-active-record$': '<rootDir>/lib/index.ts',
    '^nestjs-active-record/testing$': '<rootDir>/lib/testing/index.ts',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  projects: [
    {
      ...common,
      displayName: 'default',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '/test/define-fields/',
        '/test/apps/',
        '/test/faults/',
      ],
      transform: transpileWith({}),
    },
    {
      // New Nest apps from the application schematic, through the whole generator path: slow
      // (each installs its dependencies), so they run as their own stage (`npm run test:apps`).
      ...common,
      displayName: 'apps',
      roots: ['<rootDir>/test/apps'],
      testMatch: ['**/*.test.ts'],
      transform: transpileWith({}),
    },
    {
      // Lost connections, timeouts and server restarts, on PostgreSQL clusters the tests start
      // themselves (root and initdb needed; skipped, and said so, elsewhere): `npm run test:faults`.
      ...common,
      displayName: 'faults',
      roots: ['<rootDir>/test/faults'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/faults/support/global-setup.cjs',
      transform: transpileWith({}),
    },
    {
      // The same models compiled with class fields defined (TypeScript's ES2022 default).
      ...common,
      displayName: 'define-fields',
      roots: ['<rootDir>/test/define-fields'],
      testMatch: ['**/*.test.ts'],
      transform: transpileWith({ useDefineForClassFields: true }),
    },
  ],
};
