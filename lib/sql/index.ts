export { sql, SqlFragment, SqlIdentifier } from './sql-fragment';
export { quoteIdentifier } from './quote-identifier';
export { compileStatement, type CompiledQuery } from './query-compiler';
export * from './nodes';
