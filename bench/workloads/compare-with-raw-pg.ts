/**
 * One bench run: the data set seeded in `schema`, raw `pg` and this package, then whatever
 * `others` opens, through every selected workload; the report printed; everything closed and
 * the schema dropped (unless KEEP_SCHEMA) whatever happens.
 */
import { Client } from 'pg';
import { activeRecord } from './active-record';
import {
  dropDataSet,
  removeInsertedPosts,
  seedDataSet,
  urlForSchema,
  vacuumDataSet,
} from './data-set';
import { rawPg } from './raw-pg';
import { formatReport } from './report';
import { runWorkloads } from './runner';
import { selectedWorkloads, settingsFromEnv, type Settings } from './settings';
import type { Implementation } from './workloads';

export async function compareWithRawPg(
  schema: string,
  others: (
    url: string,
    settings: Settings,
  ) => AsyncIterable<Implementation> = async function* () {},
): Promise<void> {
  const settings = settingsFromEnv();
  await seedDataSet(settings.url, schema);
  const url = urlForSchema(settings.url, schema);
  const cleaner = new Client({ connectionString: url });
  await cleaner.connect();
  const implementations: Implementation[] = [rawPg(url, settings.poolSize)];
  try {
    implementations.push(await activeRecord(url, settings.poolSize));
    // One at a time, so that those opened before a failing one are closed too.
    for await (const other of others(url, settings)) implementations.push(other);
    console.log(settings.describe());
    const measurements = await runWorkloads(implementations, selectedWorkloads(settings), {
      rounds: settings.rounds,
      warmUpMs: settings.warmUpMs,
      scale: settings.scale,
      slices: settings.slices,
      removeInserted: () => removeInsertedPosts(cleaner),
      afterWorkload: () => vacuumDataSet(cleaner),
      progress: settings.verbose ? (line) => console.log(line) : undefined,
    });
    console.log(formatReport(measurements));
  } finally {
    for (const implementation of implementations) await implementation.close();
    await cleaner.end();
    if (!process.env.KEEP_SCHEMA) await dropDataSet(settings.url, schema);
  }
}
