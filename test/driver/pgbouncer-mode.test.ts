import { InvalidQueryError, PgDriver } from '../../lib';
import { pgbouncerFromUrl } from '../../lib/driver/pgbouncer-mode';
import { pgbouncerHint } from '../../lib/driver/pooler-detection';

describe('the PgBouncer option', () => {
  it('is read from the url, which loses the parameter', () => {
    expect(pgbouncerFromUrl('postgres://u@h:6432/app?pgbouncer=true&sslmode=disable')).toEqual({
      url: 'postgres://u@h:6432/app?sslmode=disable',
      pgbouncer: true,
    });
    expect(pgbouncerFromUrl('postgres://u@h/app?pgbouncer=false').pgbouncer).toBe(false);
    expect(pgbouncerFromUrl('postgres://u@h/app')).toEqual({ url: 'postgres://u@h/app' });
  });

  it('takes only true or false, in the url or the pool options', () => {
    expect(() => new PgDriver('postgres://u@h/app?pgbouncer=1')).toThrow(InvalidQueryError);
    expect(
      () => new PgDriver('postgres://u@h/app', { pgbouncer: 'yes' as unknown as boolean }),
    ).toThrow(/pgbouncer must be true or false/);
  });

  it('the pool option wins over the url', () => {
    expect(new PgDriver('postgres://u@h/app?pgbouncer=true').pgbouncer).toBe(true);
    expect(new PgDriver('postgres://u@h/app?pgbouncer=true', { pgbouncer: false }).pgbouncer).toBe(
      false,
    );
    expect(new PgDriver('postgres://u@h/app').pgbouncer).toBe(false);
  });

  it("PgBouncer's refusal of session settings gets the fix added", () => {
    expect(pgbouncerHint('unsupported startup parameter: statement_timeout')).toMatch(
      /add \?pgbouncer=true to the url/,
    );
    expect(pgbouncerHint('password authentication failed')).toBe('');
  });
});
