import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, OptionalAuth } from '../auth/auth.guard';
import { User } from '../users/user.model';
import { ProfilesService } from './profiles.service';

@Controller('profiles/:username')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  @OptionalAuth()
  async show(@Param('username') username: string, @CurrentUser() viewer?: User) {
    const user = await this.profiles.byUsername(username);
    const followed = await this.profiles.followedAmong(viewer, [user]);
    return { profile: this.profiles.present(user, followed.has(user.id)) };
  }

  @Post('follow')
  @HttpCode(200)
  async follow(@Param('username') username: string, @CurrentUser() viewer: User) {
    const user = await this.profiles.byUsername(username);
    await this.profiles.follow(viewer, user, true);
    return { profile: this.profiles.present(user, true) };
  }

  @Delete('follow')
  async unfollow(@Param('username') username: string, @CurrentUser() viewer: User) {
    const user = await this.profiles.byUsername(username);
    await this.profiles.follow(viewer, user, false);
    return { profile: this.profiles.present(user, false) };
  }
}
