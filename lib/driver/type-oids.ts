/**
 * PostgreSQL's built-in type OIDs (fixed in `pg_type.dat`) for which both drivers install their
 * own parsers, so that rows read the same whichever runs.
 */
export const TYPE_OIDS = {
  bytea: 17,
  int8: 20,
  textArray: 1009,
  date: 1082,
  timestamp: 1114,
  timestampArray: 1115,
  timestamptz: 1184,
  timestamptzArray: 1185,
  interval: 1186,
  intervalArray: 1187,
} as const;
