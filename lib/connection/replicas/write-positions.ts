import { currentContext, type RequestContext } from '../../context/request-context';

/**
 * The primary's WAL position after the latest write of each request context (`runInContext`,
 * an HTTP request), and of work outside any context: a read in the same context goes to a
 * replica only once the replica has replayed past it, so it always sees that write.
 */
export class WritePositions {
  private readonly byContext = new WeakMap<RequestContext, bigint>();
  private outside?: bigint;

  /** The current context wrote (or must see writes) up to `position`. */
  note(position: bigint): void {
    const context = currentContext();
    if (!context) {
      if (this.outside === undefined || position > this.outside) this.outside = position;
      return;
    }
    const known = this.byContext.get(context);
    if (known === undefined || position > known) this.byContext.set(context, position);
  }

  /** The position reads of the current context must see, if it wrote. */
  current(): bigint | undefined {
    const context = currentContext();
    return context ? this.byContext.get(context) : this.outside;
  }
}
