/**
 * Runs one of the package's schematics with the devkit's SchematicTestRunner, in a plain Node
 * process: the devkit loads an ES module (magic-string) through require(), which Node supports
 * and Jest's module system does not. Reads `{ schematic, options, files }` as JSON on stdin and
 * prints `{ files }` or `{ error }`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { HostTree, type Rule } from '@angular-devkit/schematics';
import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { ormInit } from '../../schematics/orm-init';
import { ormMigration } from '../../schematics/orm-migration';
import { ormModel } from '../../schematics/orm-model';
import { ormResource } from '../../schematics/orm-resource';

interface Step {
  schematic: 'orm-init' | 'orm-model' | 'orm-migration' | 'orm-resource';
  options: Record<string, unknown>;
}

const factories: Record<Step['schematic'], (options: never) => Rule> = {
  'orm-init': ormInit,
  'orm-model': ormModel,
  'orm-migration': ormMigration,
  'orm-resource': ormResource,
};

async function main(): Promise<void> {
  const input = JSON.parse(await new Response(process.stdin as never).text()) as {
    steps: Step[];
    files: Record<string, string>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'collection-'));
  try {
    writeFileSync(join(dir, 'collection.json'), JSON.stringify({ schematics: {} }));
    const runner = new SchematicTestRunner('nestjs-active-record', join(dir, 'collection.json'));
    const tree = new UnitTestTree(new HostTree());
    for (const [path, text] of Object.entries(input.files)) tree.create(path, text);
    for (const step of input.steps) {
      await lastValueFrom(runner.callRule(factories[step.schematic](step.options as never), tree));
    }
    const files: Record<string, string> = {};
    for (const path of tree.files) files[path] = tree.readText(path);
    process.stdout.write(JSON.stringify({ files }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: (error as Error).message }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
