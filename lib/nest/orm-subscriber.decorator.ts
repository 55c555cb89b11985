import { SetMetadata } from '@nestjs/common';
import { ORM_SUBSCRIBER } from './orm.tokens';

export { ORM_SUBSCRIBER };

type ModelType = abstract new () => object;

/** Which models a subscriber provider listens to, on which connection. */
export interface OrmSubscriberMetadata {
  models: ReadonlyArray<ModelType>;
  connection?: string;
}

/**
 * Marks a provider as a model subscriber: OrmModule registers it at start-up for these models,
 * so it receives their lifecycle events and can inject services (a mailer, an audit log).
 * Pass `{ models, connection }` for the models of a named connection.
 *
 * @example
 * @OrmSubscriber(User)
 * @Injectable()
 * export class WelcomeMailer implements ModelSubscriber<User> {
 *   constructor(private readonly mail: MailService) {}
 *   afterCommit(user: User) { return this.mail.welcome(user.email); }
 * }
 */
export function OrmSubscriber(metadata: OrmSubscriberMetadata): ClassDecorator;
export function OrmSubscriber(...models: ModelType[]): ClassDecorator;
export function OrmSubscriber(...args: [OrmSubscriberMetadata] | ModelType[]): ClassDecorator {
  const [first] = args;
  const metadata: OrmSubscriberMetadata =
    first && typeof first !== 'function'
      ? (first as OrmSubscriberMetadata)
      : { models: args as ModelType[] };
  return SetMetadata<string, OrmSubscriberMetadata>(ORM_SUBSCRIBER, metadata);
}
