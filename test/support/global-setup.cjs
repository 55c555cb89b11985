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
    console.log(`\nIntegration tests run on PGlite and on PostgreSQL at ${target}.`);
  } else {
    console.log(
      '\nDATABASE_URL is not set: integration tests run on PGlite only; the PostgreSQL server tests were NOT run.',
    );
  }
};
