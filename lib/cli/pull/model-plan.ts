/**
 * What one generated model file declares, before it is written as source: the table, the class,
 * its columns, relations and class decorators. Option values are kept as source text.
 */
export interface ModelPlan {
  table: string;
  className: string;
  fileName: string;
  /** Whether `@Table()` needs the name (the naming strategy would not give it back). */
  tableNameNeeded: boolean;
  comment?: string;
  columns: PlannedProperty[];
  relations: PlannedProperty[];
  /** `@Index(…)`, `@Unique(…)`, `@Check(…)`. */
  classDecorators: PlannedDecorator[];
}

/** `@Decorator(args, { options })`, its arguments and option values as source text. */
export interface PlannedDecorator {
  decorator: string;
  /** Leading arguments before the options (`() => Film`). */
  args: string[];
  /** `[option, source]` pairs, in the order written. */
  options: Array<[string, string]>;
}

/** One decorated property: `@Decorator({ options }) property!: type;`. */
export interface PlannedProperty extends PlannedDecorator {
  property: string;
  tsType: string;
  comment?: string;
  /** Classes the declaration refers to (imported from their files). */
  refersTo: string[];
}

/** What `db:pull` could not map, each with what it did instead. */
export interface PullNote {
  object: string;
  note: string;
}
