import 'reflect-metadata';
import type { ColumnOptions, PrimaryKeyOptions } from './column-options';
import { isColumnType } from './column-types';
import {
  declarationsOf,
  registerTableClass,
  type ColumnDeclaration,
  type ColumnRole,
} from './model-declarations';

type PropertyDecorator = (target: object, property: string | symbol) => void;

/** A decorator that only fits a property holding `T` (or null): a transformer's value type. */
export type TypedPropertyDecorator<T> = <K extends string>(
  target: { [P in K]?: T | null },
  property: K,
) => void;

/** A PostgreSQL type name given as `sqlType`: one identifier, at most 63 characters. */
const typeIdentifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Marks a class as a model stored in a table. The name defaults to the naming strategy's
 * (snake_case plural of the class name).
 *
 * @example
 * @Table('users') export class User extends Model { … }
 */
export function Table(name?: string): ClassDecorator {
  return (target) => {
    if (name !== undefined) declarationsOf(target).tableName = name;
    registerTableClass(target as unknown as abstract new () => object);
  };
}

/**
 * A mapped column. The type is inferred from `number`, `string`, `boolean` and `Date`
 * properties, and a nullable union without `type` (`string | null`) is text, because
 * TypeScript does not say which union it was; give `type` for anything else.
 *
 * @example
 * @Column({ nullable: true }) bio!: string | null;
 */
export function Column<T, D>(
  options: ColumnOptions<T> & {
    // T is read from fromDatabase alone, so a toDatabase taking another type is an error.
    transformer: { toDatabase(value: NoInfer<T>): D; fromDatabase(raw: D): T };
  },
): TypedPropertyDecorator<T>;
export function Column(options?: ColumnOptions): PropertyDecorator;
export function Column(options: ColumnOptions<unknown> = {}): PropertyDecorator {
  return (target, property) => declareColumn(target, property, 'plain', options);
}

/**
 * The primary key: an identity integer by default, or `{ type: 'uuid' }`. Several on one
 * model form a composite key in declaration order, whose parts are not generated unless
 * they say `{ generated: true }`.
 *
 * @example
 * @PrimaryKey() id!: number;
 * @PrimaryKey() tenantId!: number; @PrimaryKey({ generated: true }) id!: number;
 */
export function PrimaryKey(options: PrimaryKeyOptions = {}): PropertyDecorator {
  return (target, property) =>
    declareColumn(target, property, 'primaryKey', {
      name: options.name,
      type: options.type,
      generated: options.generated,
    });
}

/**
 * Set to the current time when the record is first inserted.
 *
 * @example
 * @CreatedAt() createdAt!: Date;
 */
export function CreatedAt(options: Pick<ColumnOptions, 'name'> = {}): PropertyDecorator {
  return (target, property) =>
    declareColumn(target, property, 'createdAt', { ...options, type: 'timestamptz' });
}

/**
 * Set to the current time on insert and on every update that changes something.
 *
 * @example
 * @UpdatedAt() updatedAt!: Date;
 */
export function UpdatedAt(options: Pick<ColumnOptions, 'name'> = {}): PropertyDecorator {
  return (target, property) =>
    declareColumn(target, property, 'updatedAt', { ...options, type: 'timestamptz' });
}

/**
 * Optimistic locking: an integer incremented by every UPDATE, which only applies when the row
 * still has the version the record was loaded with (else StaleRecordError, nothing written).
 *
 * @example
 * @Version() lockVersion!: number;
 */
export function Version(options: Pick<ColumnOptions, 'name'> = {}): PropertyDecorator {
  return (target, property) =>
    declareColumn(target, property, 'version', { ...options, type: 'integer', default: 0 });
}

/**
 * Soft delete: `destroy()` stamps this column instead of deleting the row, and queries leave
 * stamped rows out unless asked (`withDeleted()`, `onlyDeleted()`).
 *
 * @example
 * @DeletedAt() deletedAt!: Date | null;
 */
export function DeletedAt(options: Pick<ColumnOptions, 'name'> = {}): PropertyDecorator {
  return (target, property) =>
    declareColumn(target, property, 'deletedAt', {
      ...options,
      type: 'timestamptz',
      nullable: true,
    });
}

/**
 * Leaves a column out of `toJSON()`, so a controller can return the record directly.
 *
 * @example
 * @Hidden() @Column() passwordHash!: string;
 */
export function Hidden(): PropertyDecorator {
  return (target, property) => {
    if (typeof property === 'string') declarationsOf(target.constructor).hidden.add(property);
  };
}

function declareColumn(
  prototype: object,
  property: string | symbol,
  role: ColumnRole,
  options: ColumnOptions<unknown> & { generated?: boolean },
): void {
  const owner = prototype.constructor;
  if (typeof property !== 'string') {
    throw new TypeError(`${owner.name}: column properties must have string names`);
  }
  if (options.type !== undefined && !isColumnType(options.type)) {
    throw new TypeError(`${owner.name}.${property}: unknown column type "${options.type}"`);
  }
  if (options.sqlType !== undefined) checkSqlType(owner.name, property, options);
  const transformer = options.transformer;
  if (
    transformer !== undefined &&
    (typeof transformer?.toDatabase !== 'function' ||
      typeof transformer?.fromDatabase !== 'function')
  ) {
    throw new TypeError(
      `${owner.name}.${property}: a transformer needs toDatabase and fromDatabase functions`,
    );
  }
  const enumValues = options.enum
    ? Array.isArray(options.enum)
      ? [...(options.enum as readonly string[])]
      : Object.values(options.enum)
    : undefined;
  const declaration: ColumnDeclaration = {
    property,
    role,
    name: options.name,
    type: options.type ?? (enumValues ? 'enum' : undefined),
    designType: Reflect.getMetadata('design:type', prototype, property),
    nullable: options.nullable ?? false,
    default: options.default,
    unique: options.unique ?? false,
    length: options.length,
    precision: options.precision,
    scale: options.scale,
    enumValues,
    enumName: options.enumName,
    sqlType: options.sqlType,
    transformer,
    generated: role === 'primaryKey' ? options.generated : (options.generated ?? false),
  };
  declarationsOf(owner).columns.set(property, declaration);
}

function checkSqlType(owner: string, property: string, options: ColumnOptions<unknown>): void {
  const { sqlType, type } = options;
  if (typeof sqlType !== 'string' || !typeIdentifier.test(sqlType)) {
    throw new TypeError(
      `${owner}.${property}: sqlType must be a type name (letters, digits and _, at most 63 characters), got ${JSON.stringify(sqlType)}`,
    );
  }
  if (type === undefined || type === 'enum' || type.endsWith('[]') || options.enum) {
    throw new TypeError(
      `${owner}.${property}: a column with sqlType "${sqlType}" needs the base type of its values as \`type\` (not an enum or an array), e.g. { type: 'integer', sqlType: '${sqlType}' }`,
    );
  }
}
