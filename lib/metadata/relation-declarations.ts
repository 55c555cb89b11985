import type {
  BelongsToOptions,
  HasManyOptions,
  HasOneOptions,
  ManyToManyOptions,
} from './relation-options';

export type ModelClassRef = abstract new () => object;

/** A relation as its decorator declared it; keys are resolved when the models are bound. */
export type RelationDeclaration =
  | {
      kind: 'belongsTo';
      property: string;
      target: () => ModelClassRef | readonly ModelClassRef[];
      options: BelongsToOptions;
    }
  | { kind: 'hasMany'; property: string; target: () => ModelClassRef; options: HasManyOptions }
  | { kind: 'hasOne'; property: string; target: () => ModelClassRef; options: HasOneOptions }
  | {
      kind: 'manyToMany';
      property: string;
      target: () => ModelClassRef;
      options: ManyToManyOptions;
    };
