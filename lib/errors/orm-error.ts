/**
 * The base of every error the ORM throws. `code` is stable and meant for programs;
 * the message is meant for people and never contains bound values.
 *
 * @example
 * try { await user.save(); } catch (e) { if (e instanceof OrmError) log(e.code); }
 */
export class OrmError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
