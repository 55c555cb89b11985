import { OrmError } from './orm-error';

/**
 * A relation was read before it was loaded. Never answered with a guess (`undefined`, `[]`):
 * the message names the fix.
 *
 * @example
 * post.author; // RelationNotLoadedError: Post.author is not loaded; add .include('author') …
 */
export class RelationNotLoadedError extends OrmError {
  constructor(
    readonly model: string,
    readonly relation: string,
  ) {
    super(
      'RELATION_NOT_LOADED',
      `${model}.${relation} is not loaded; add .include('${relation}') to the query that loaded it, ` +
        `or await record.load('${relation}') (which loads it for the whole result set at once)`,
    );
  }
}

/** A destroy refused because `dependent: 'restrict'` rows still refer to the record. HTTP 409. */
export class DeleteRestrictedError extends OrmError {
  constructor(
    readonly model: string,
    readonly relation: string,
  ) {
    super(
      'DELETE_RESTRICTED',
      `Cannot destroy this ${model}: it still has ${relation} (dependent: 'restrict')`,
    );
  }
}
