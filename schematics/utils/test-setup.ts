import type { Tree } from '@angular-devkit/schematics';

/** The kit's set-up file: every test runs in a transaction rolled back at its end. */
export const TEST_SETUP_MODULE = 'nestjs-active-record/testing/setup';

/** A JSON jest config (`test/jest-e2e.json`): the set-up file in `setupFilesAfterEnv`. */
function addToJsonConfig(tree: Tree, file: string): void {
  const config = JSON.parse(tree.readText(file)) as { setupFilesAfterEnv?: string[] };
  const files = config.setupFilesAfterEnv ?? [];
  if (files.includes(TEST_SETUP_MODULE)) return;
  config.setupFilesAfterEnv = [...files, TEST_SETUP_MODULE];
  tree.overwrite(file, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * A TypeScript config (`jest.config.ts`, `vitest.config*.ts`): the entry goes in the first
 * line of the options object it belongs to — `test: {` for vitest, `const config: Config = {`
 * for jest. A config written differently is left alone: the README says what to add.
 */
function addToScriptConfig(tree: Tree, file: string, opening: RegExp, option: string): void {
  const text = tree.readText(file);
  if (text.includes(TEST_SETUP_MODULE)) return;
  const match = opening.exec(text);
  if (!match) return;
  const indent = /\n([ \t]*)\S/.exec(text.slice(match.index + match[0].length))?.[1] ?? '  ';
  const at = match.index + match[0].length;
  tree.overwrite(
    file,
    `${text.slice(0, at)}\n${indent}${option}: ['${TEST_SETUP_MODULE}'],${text.slice(at)}`,
  );
}

/**
 * Adds the testing kit's set-up file to the app's test configs (unit and end-to-end, jest or
 * vitest), so each test — and the requests it sends to the app — runs in a transaction rolled
 * back at its end. Configs already naming it are left as they are.
 */
export function useTestingKit(tree: Tree): void {
  for (const file of ['test/jest-e2e.json']) {
    if (tree.exists(file)) addToJsonConfig(tree, file);
  }
  if (tree.exists('jest.config.ts')) {
    addToScriptConfig(
      tree,
      'jest.config.ts',
      /const config(?:: Config)? = \{/,
      'setupFilesAfterEnv',
    );
  }
  for (const file of ['vitest.config.ts', 'vitest.config.e2e.ts', 'vitest.config.mts']) {
    if (tree.exists(file)) addToScriptConfig(tree, file, /\btest: \{/, 'setupFiles');
  }
}
