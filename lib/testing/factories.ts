import { bindingOf } from '../model/connection-binding';
import type { Model, ModelClass } from '../model/model';
import type { AttributeKeys } from '../query/attribute-types';
import type { RelationKeys } from '../query/relation-types';
import { isPlainObject } from '../util/objects';

/** What a factory's attribute function receives: a number unique to each record it makes. */
export interface FactoryContext {
  readonly sequence: number;
}

/**
 * A related record as a factory takes it: a record, or a factory that makes one (built with
 * `build`, created with `create`); a collection takes a list of either.
 */
type RelationValue<V> =
  NonNullable<V> extends readonly (infer E)[]
    ? ReadonlyArray<E | Factory<E & Model>>
    : NonNullable<V> | Factory<NonNullable<V> & Model> | (null extends V ? null : never);

/** The attributes and relations a factory, a trait or an override may give. */
export type FactoryAttributes<M> = { [K in AttributeKeys<M>]?: M[K] } & {
  [K in RelationKeys<M>]?: RelationValue<M[K]>;
};

type AttributesOf<M> = FactoryAttributes<M> | ((context: FactoryContext) => FactoryAttributes<M>);

/** Traits (by name) and override objects of one call, applied in order: later values win. */
// `& object`: an attribute type with only optional keys would otherwise accept any string.
type Variant<M, Trait extends string> = Array<Trait | (FactoryAttributes<M> & object)>;

/**
 * Makes records of one model for tests, from defaults, named traits and per-call overrides.
 * See `defineFactory`.
 */
export class Factory<M extends Model, Trait extends string = never> {
  private sequence = 0;

  constructor(
    readonly model: ModelClass<M>,
    private readonly defaults: AttributesOf<M>,
    private readonly traits: Readonly<Record<Trait, AttributesOf<M>>>,
  ) {}

  /** A record with the factory's values, not saved; related factories build theirs too. */
  build(...variant: Variant<M, Trait>): M {
    const { record } = this.make(variant, (factory) => factory.build());
    return record;
  }

  buildList(count: number, ...variant: Variant<M, Trait>): M[] {
    return Array.from({ length: checkedCount(count) }, () => this.build(...variant));
  }

  /**
   * A saved record: related factories create their records first (a belongs-to parent) or
   * after (collection members, linked with `addTo`).
   */
  async create(...variant: Variant<M, Trait>): Promise<M> {
    const parents: Promise<unknown>[] = [];
    const { record, collections } = this.make(variant, (factory) => {
      const parent = factory.build();
      parents.push(parent.save());
      return parent;
    });
    await Promise.all(parents);
    await record.save();
    for (const [relation, members] of collections) {
      const records = await Promise.all(
        members.map((member) => (member instanceof Factory ? member.create() : member)),
      );
      if (records.length > 0) await record.addTo(relation as never, ...(records as never[]));
    }
    return record;
  }

  /** `count` saved records, one after the other (their sequences in order). */
  async createList(count: number, ...variant: Variant<M, Trait>): Promise<M[]> {
    const records: M[] = [];
    for (let i = 0; i < checkedCount(count); i++) records.push(await this.create(...variant));
    return records;
  }

  /** The attribute values (no relations) a record would get, without making one. */
  attributes(...variant: Variant<M, Trait>): Partial<M> {
    const values = this.valuesOf(variant, ++this.sequence);
    const meta = bindingOf(this.model).meta;
    return Object.fromEntries(
      Object.entries(values).filter(([key]) => meta.column(key)),
    ) as Partial<M>;
  }

  private make(
    variant: Variant<M, Trait>,
    parentOf: (factory: Factory<Model, string>) => Model,
  ): { record: M; collections: Array<[string, ReadonlyArray<Model | Factory<Model, string>>]> } {
    const values = this.valuesOf(variant, ++this.sequence);
    const meta = bindingOf(this.model).meta;
    const record = bindingOf(this.model).repository.build() as unknown as M;
    const collections: Array<[string, ReadonlyArray<Model | Factory<Model, string>>]> = [];
    for (const [key, value] of Object.entries(values)) {
      const relation = meta.relation(key);
      if (!relation) {
        if (!meta.column(key)) {
          throw new TypeError(`${this.model.name} has no field or relation "${key}"`);
        }
        (record as Record<string, unknown>)[key] = value;
      } else if (relation.kind === 'belongsTo') {
        (record as Record<string, unknown>)[key] =
          value instanceof Factory ? parentOf(value as Factory<Model, string>) : value;
      } else if (relation.kind === 'hasOne') {
        throw new TypeError(
          `${this.model.name}.${key} is a hasOne: give the child a factory of its own that ` +
            `points at this record`,
        );
      } else {
        if (!Array.isArray(value)) {
          throw new TypeError(`${this.model.name}.${key} takes a list of records or factories`);
        }
        collections.push([key, value as ReadonlyArray<Model | Factory<Model, string>>]);
      }
    }
    return { record, collections };
  }

  /** Defaults, then each trait and override object in the order given: later values win. */
  private valuesOf(variant: Variant<M, Trait>, sequence: number): Record<string, unknown> {
    const context: FactoryContext = { sequence };
    const layers: AttributesOf<M>[] = [this.defaults];
    for (const item of variant) {
      if (isPlainObject(item)) {
        layers.push(item as FactoryAttributes<M>);
      } else if (typeof item === 'string' && Object.hasOwn(this.traits, item)) {
        layers.push(this.traits[item]);
      } else {
        throw new TypeError(`The ${this.model.name} factory has no trait ${JSON.stringify(item)}`);
      }
    }
    const values: Record<string, unknown> = {};
    for (const layer of layers) {
      const resolved = typeof layer === 'function' ? layer(context) : layer;
      for (const key of Object.keys(resolved)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          throw new TypeError(`"${key}" is not a field of ${this.model.name}`);
        }
        values[key] = (resolved as Record<string, unknown>)[key];
      }
    }
    return values;
  }
}

function checkedCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new TypeError(`A list size must be a non-negative integer, not ${count}`);
  }
  return count;
}

/**
 * A factory of test records for a model: default values (a function receives a `sequence`
 * unique to each record, for unique columns), named traits, and per-call overrides. A
 * belongs-to value may be another factory (its record is built or created as needed); a
 * collection takes a list of records or factories.
 *
 * @example
 * const users = defineFactory(User, ({ sequence }) => ({
 *   username: `user${sequence}`, email: `user${sequence}@example.com`, passwordHash: 'x',
 * }), { traits: { admin: { role: 'admin' } } });
 * const articles = defineFactory(Article, ({ sequence }) => ({ title: `Article ${sequence}`, author: users }));
 * const admin = await users.create('admin', { username: 'root' });
 * const list = await articles.createList(3, { author: admin });
 */
export function defineFactory<M extends Model, Trait extends string = never>(
  model: ModelClass<M>,
  defaults: AttributesOf<M>,
  options: { traits?: Record<Trait, AttributesOf<M>> } = {},
): Factory<M, Trait> {
  return new Factory(model, defaults, options.traits ?? ({} as Record<Trait, AttributesOf<M>>));
}
