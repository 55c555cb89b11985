/**
 * A set-up file for jest (`setupFilesAfterEnv`) and vitest with `globals: true`
 * (`setupFiles`): every test of every file runs in a transaction rolled back at its end, and on
 * a server (`DATABASE_URL`) each parallel worker uses a schema of its own.
 *
 * @example
 * // vitest.config.ts: test: { globals: true, setupFiles: ['nestjs-active-record/testing/setup'] }
 */
import { globalTestHooks } from './test-hooks';
import { useTransactionalTests } from './transactional-tests';
import { createWorkerSchema, workerSchemaFor } from './worker-schema';

const hooks = globalTestHooks();
const serverUrl = process.env.DATABASE_URL;
const worker = workerSchemaFor(serverUrl);
if (worker && serverUrl) {
  // Now, before the test file's imports read it (`forRoot({ url: process.env.DATABASE_URL })`).
  process.env.DATABASE_URL = worker.url;
  hooks.beforeAll?.(() => createWorkerSchema(serverUrl, worker.schema));
}
useTransactionalTests({ hooks });
