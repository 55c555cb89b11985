import type { SchemaBuilder } from './schema-builder';

/** One step of a generated migration: its source code and the same step on a builder. */
export interface Step {
  code: string;
  apply(schema: SchemaBuilder): void;
}

/** A JSON value as TypeScript source. */
export const str = (value: unknown) => JSON.stringify(value);

/** `{ name: "x", unique: true }`: an options object as source, leaving out undefined ones. */
export function objectCode(options: Record<string, unknown>): string {
  const entries = Object.entries(options).filter(([, v]) => v !== undefined);
  return `{ ${entries.map(([k, v]) => `${k}: ${str(v)}`).join(', ')} }`;
}
