import { Injectable, NotFoundException } from '@nestjs/common';
import { User } from '../users/user.model';

export interface Profile {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

@Injectable()
export class ProfilesService {
  async byUsername(username: string): Promise<User> {
    const user = await User.findBy({ username });
    if (!user) throw new NotFoundException(`No profile named ${username}`);
    return user;
  }

  /** Which of `users` the viewer follows, in one query. */
  async followedAmong(viewer: User | undefined, users: readonly User[]): Promise<Set<number>> {
    if (!viewer || users.length === 0) return new Set();
    const ids = await User.where({
      id: users.map((u) => u.id),
      followers: { id: viewer.id },
    }).pluck('id');
    return new Set(ids);
  }

  present(user: User, following: boolean): Profile {
    return { username: user.username, bio: user.bio, image: user.image, following };
  }

  async follow(viewer: User, target: User, follow: boolean): Promise<void> {
    if (follow) await viewer.addTo('following', target);
    else await viewer.removeFrom('following', target);
  }
}
