export { permitQuery, QueryPolicy } from './query-policy';
export type { FilterPath, PermittedQuery, QueryPolicyOptions } from './query-policy';
export { filterOperators } from './filter-permissions';
export type { FilterOperator } from './filter-permissions';
