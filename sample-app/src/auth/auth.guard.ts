import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { User } from '../users/user.model';

const OPTIONAL_AUTH = 'conduit:optional-auth';

/** The route works without a token too (the user is then undefined). */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);

interface AuthRequest {
  headers: Record<string, string | undefined>;
  user?: User;
}

/** The signed-in user, or undefined on `@OptionalAuth()` routes. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<AuthRequest>().user,
);

/**
 * `Authorization: Token <jwt>` (RealWorld's scheme; `Bearer` accepted too). Registered as a
 * global guard: every route needs a user unless marked `@OptionalAuth()`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, [
      context.getHandler(),
      context.getClass(),
    ]);
    const header = request.headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (!token || !/^(Token|Bearer)$/.test(scheme ?? '')) {
      if (optional) return true;
      throw new UnauthorizedException('Missing authorization token');
    }
    let payload: { sub: number };
    try {
      payload = await this.jwt.verifyAsync<{ sub: number }>(token);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    const user = await User.findBy({ id: payload.sub });
    if (!user) throw new UnauthorizedException('The token names no user');
    request.user = user;
    return true;
  }
}
