/**
 * One app instance applying its migrations, as a process of its own: connects to
 * `MIGRATE_URL`, applies the migrations of `MIGRATIONS_DIR`, prints `APPLIED <names as JSON>`
 * and exits (1 with the error on stderr when the run failed).
 */
import { Migrator, Orm } from 'nestjs-active-record';

async function main(): Promise<void> {
  const orm = await Orm.connect({ url: process.env.MIGRATE_URL, models: [] });
  try {
    const applied = await new Migrator(orm, {
      directory: process.env.MIGRATIONS_DIR,
      log: (line) => console.log(line),
    }).migrate();
    console.log(`APPLIED ${JSON.stringify(applied)}`);
  } finally {
    await orm.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
