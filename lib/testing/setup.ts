/**
 * A set-up file for jest (`setupFilesAfterEnv`) and vitest with `globals: true`
 * (`setupFiles`): every test of every file runs in a transaction rolled back at its end.
 *
 * @example
 * // vitest.config.ts: test: { globals: true, setupFiles: ['nestjs-active-record/testing/setup'] }
 */
import { useTransactionalTests } from './transactional-tests';

useTransactionalTests();
