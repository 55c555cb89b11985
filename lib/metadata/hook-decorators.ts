import { declarationsOf, type HookEvent } from './model-declarations';

type MethodDecorator = (target: object, property: string | symbol, descriptor?: unknown) => void;

function hook(event: HookEvent): () => MethodDecorator {
  return () => (target, property) => {
    if (typeof property !== 'string') {
      throw new TypeError(`${target.constructor.name}: hook methods must have string names`);
    }
    declarationsOf(target.constructor).hooks.push({ event, method: property });
  };
}

/**
 * Lifecycle hooks: decorated methods run, in declaration order with inherited hooks first, at
 * these moments of `save()` and `destroy()`. They may be async. A `before*` hook that throws or
 * returns `false` aborts the operation and nothing is written.
 *
 * Order of `save()`: beforeValidate → (validation) → afterValidate → beforeSave →
 * beforeCreate | beforeUpdate → INSERT | UPDATE → afterCreate | afterUpdate → afterSave, then
 * afterCommit once the outermost transaction commits (afterRollback if it rolls back).
 *
 * @example
 * @BeforeSave() normalizeEmail() { this.email = this.email.trim().toLowerCase(); }
 */
export const BeforeValidate = hook('beforeValidate');
export const AfterValidate = hook('afterValidate');
export const BeforeSave = hook('beforeSave');
export const AfterSave = hook('afterSave');
export const BeforeCreate = hook('beforeCreate');
export const AfterCreate = hook('afterCreate');
export const BeforeUpdate = hook('beforeUpdate');
export const AfterUpdate = hook('afterUpdate');
export const BeforeDestroy = hook('beforeDestroy');
export const AfterDestroy = hook('afterDestroy');
export const AfterCommit = hook('afterCommit');
export const AfterRollback = hook('afterRollback');
