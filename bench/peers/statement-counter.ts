/**
 * Counts the statements every peer sends, where they all send them: `pg`'s `Client#query`
 * (a pool's `query` goes through it too). One counter serves all peers: they run one at a time.
 */
import { Client } from 'pg';

let statements = 0;
const query = Client.prototype.query;
Client.prototype.query = function (this: Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof Client.prototype.query;

export const statementsSent = () => statements;
