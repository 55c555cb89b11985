// Says once, before the run, which databases the integration tests use.
module.exports = async function globalSetup() {
  const url = process.env.DATABASE_URL;
  if (url) {
    let target = 'the configured server';
    try {
      const parsed = new URL(url);
      target = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    } catch {
      // keep the generic wording; never print the URL, it may hold a password
    }
    const kinds = process.env.TEST_DATABASES === 'postgres' ? '' : 'PGlite and on ';
    const pooler = /[?&]pgbouncer=true\b/.test(url) ? ' (PgBouncer, transaction pooling)' : '';
    console.log(`\nIntegration tests run on ${kinds}PostgreSQL at ${target}${pooler}.`);
  } else {
    console.log(
      '\nDATABASE_URL is not set: integration tests run on PGlite only; the PostgreSQL server tests were NOT run.',
    );
  }
};
