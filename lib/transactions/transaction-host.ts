import type { Driver, DriverSession } from '../driver/driver';
import type { OpenTransaction } from './transaction-scope';

/**
 * What transactions need of the connection they run on: its driver (sessions, and whether it
 * has only one), and sending a statement on a session with the connection's query events.
 * `Orm` is the one implementation, and also the key of its transactions in the async scope.
 */
export interface TransactionHost {
  readonly driver: Driver;
  executeOn(
    session: DriverSession,
    statement: { readonly text: string; readonly values: readonly unknown[] },
  ): Promise<unknown>;
  /**
   * Called after COMMIT succeeded, on the same session before it is released (read replicas:
   * the connection notes the primary's WAL position the commit reached).
   */
  committed?(session: DriverSession, transaction: OpenTransaction): Promise<void>;
}
