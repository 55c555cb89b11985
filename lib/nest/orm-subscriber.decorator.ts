import { SetMetadata } from '@nestjs/common';

export const ORM_SUBSCRIBER = 'nestjs-active-record:subscriber';

/** Which models a subscriber provider listens to, on which connection. */
export interface OrmSubscriberMetadata {
  models: ReadonlyArray<abstract new () => object>;
  connection?: string;
}

/**
 * Marks a provider as a model subscriber: OrmModule registers it at start-up for these models,
 * so it receives their lifecycle events and can inject services (a mailer, an audit log).
 *
 * @example
 * @OrmSubscriber(User)
 * @Injectable()
 * export class WelcomeMailer implements ModelSubscriber<User> {
 *   constructor(private readonly mail: MailService) {}
 *   afterCommit(user: User) { return this.mail.welcome(user.email); }
 * }
 */
export function OrmSubscriber(...models: Array<abstract new () => object>): ClassDecorator {
  return SetMetadata<string, OrmSubscriberMetadata>(ORM_SUBSCRIBER, { models });
}
