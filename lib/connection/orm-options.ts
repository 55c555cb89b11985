import type { Driver } from '../driver/driver';
import type { PoolOptions } from '../driver/pg-driver';
import type { NamingStrategy } from '../metadata/naming-strategy';
import type { NPlusOneOptions, NPlusOneReport } from './n-plus-one-detector';
import type { QueryEvent } from './query-event';
import type { ReplicaChange } from './replicas/replica-status';

/**
 * How to open a connection. With no `url` (and no `driver`), the ORM runs embedded
 * PostgreSQL (PGlite): in memory, or in `dataDir`.
 *
 * @example
 * await Orm.connect({ url: process.env.DATABASE_URL, models: [User, Post] });
 */
export interface OrmOptions {
  /** `postgres://user:password@host:5432/database`. */
  url?: string;
  /** Folder of an embedded database kept on disk (used when there is no `url`). */
  dataDir?: string;
  /** A ready driver (a `PgDriver` or `PgliteDriver`), instead of `url`/`dataDir`. */
  driver?: Driver;
  /** Name of this connection, for several in one app (default `default`). */
  name?: string;
  /**
   * Pool size and time bounds (see `PoolOptions`): by default a statement is canceled after
   * 60 s, an idle transaction ended after 60 s, and connections use TCP keepalive.
   */
  pool?: PoolOptions;
  /** Model classes of this connection; default: every class decorated with `@Table()`. */
  models?: ReadonlyArray<abstract new () => object>;
  naming?: NamingStrategy;
  /** Receives every statement sent: text, duration, row count. */
  onQuery?: (event: QueryEvent) => void;
  /** Include bound values in query events (off by default: they may hold personal data). */
  logValues?: boolean;
  /**
   * N+1 detection per request context (`runInContext`, or each HTTP request under
   * `OrmModule`): on by default outside production, `false` turns it off.
   */
  nPlusOne?: false | NPlusOneOptions;
  /** Receives N+1 reports; default `process.emitWarning` (Nest: its Logger). */
  onNPlusOne?: (report: NPlusOneReport) => void;
  /**
   * Concurrent `find` / `findBy` by key made in the same tick, request context and transaction
   * go out as one `= ANY($1)` statement (default true). `false` sends each on its own.
   */
  batchFinds?: boolean;
  /**
   * Read replicas (`postgres://…` of streaming standbys; a server `url` is needed). Reads
   * outside a transaction go to them in turn; writes, transactions, locks, raw `query()` and
   * `onPrimary()` go to the primary. A read made after a write in the same request context
   * (or `runInContext`) goes to a replica only once it has replayed that write, else to the
   * primary. Each replica has its own pool of `pool` size.
   */
  replicas?: readonly string[];
  /**
   * A replica whose replay is further behind the primary than this leaves rotation until it
   * catches up (default 5 000 ms).
   */
  maxReplicaLagMs?: number;
  /** How often replicas are checked: lag, still a standby, back after a failure (default 1 000 ms). */
  replicaCheckIntervalMs?: number;
  /**
   * Told when a replica leaves or comes back into rotation; default: a `ReplicaWarning`
   * through `process.emitWarning` when one leaves (Nest: its Logger).
   */
  onReplicaChange?: (change: ReplicaChange) => void;
}
