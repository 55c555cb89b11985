export {
  Query,
  type LockOptions,
  type Selected,
  type IncludeObject,
  type IncludeInput,
} from './query';
export type { UpdateAllInput } from './bulk-writes';
export { GroupedQuery } from './grouped-query';
export type { AttributeKeys, Attributes, AttributesInput } from './attribute-types';
export type { WhereInput, Condition, OrderInput, OrderDirection, OrderSpec } from './where-input';
export type { AggregateResult } from './aggregate-result';
export type { QuerySource } from './query-source';
export type { IncludeStrategy } from './query-state';
export type { RelationKeys, RelationTarget, IncludePath } from './relation-types';
export { scope, type Scope, type ScopedQuery, type ScopesOf } from './scopes';
