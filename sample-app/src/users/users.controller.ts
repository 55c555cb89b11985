import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { CurrentUser, OptionalAuth } from '../auth/auth.guard';
import { User } from './user.model';
import { LoginUserRequest, NewUserRequest, UpdateUserRequest } from './users.dto';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @OptionalAuth()
  async register(@Body() body: NewUserRequest) {
    return this.users.present(await this.users.register(body.user));
  }

  @Post('users/login')
  @OptionalAuth()
  @HttpCode(200)
  async login(@Body() body: LoginUserRequest) {
    return this.users.present(await this.users.login(body.user.email, body.user.password));
  }

  @Get('user')
  current(@CurrentUser() user: User) {
    return this.users.present(user);
  }

  @Put('user')
  async update(@CurrentUser() user: User, @Body() body: UpdateUserRequest) {
    return this.users.present(await this.users.update(user, body.user));
  }
}
