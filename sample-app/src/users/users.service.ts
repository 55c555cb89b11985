import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository, Repository } from 'nestjs-active-record';
import { hashPassword, verifyPassword } from './password';
import { User } from './user.model';
import type { NewUser, UpdateUser } from './users.dto';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
  ) {}

  async register(input: NewUser): Promise<User> {
    return this.users.create({
      username: input.username,
      email: input.email.toLowerCase(),
      passwordHash: await hashPassword(input.password),
    });
  }

  async login(email: string, password: string): Promise<User> {
    const user = await this.users.findBy({ email: email.toLowerCase() });
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      throw new UnprocessableEntityException({ message: ['email or password is invalid'] });
    }
    return user;
  }

  async update(user: User, input: UpdateUser): Promise<User> {
    const { password, ...attributes } = input;
    if (attributes.email) attributes.email = attributes.email.toLowerCase();
    user.assign(attributes);
    if (password) user.passwordHash = await hashPassword(password);
    return user.save();
  }

  /** `{ user: { email, token, username, bio, image } }`. */
  async present(user: User): Promise<{ user: Record<string, unknown> }> {
    return {
      user: {
        email: user.email,
        token: await this.jwt.signAsync({ sub: user.id }),
        username: user.username,
        bio: user.bio,
        image: user.image,
      },
    };
  }
}
