import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';

export class NewUser {
  @IsNotEmpty() @IsString() username!: string;
  @IsEmail() email!: string;
  @IsNotEmpty() @IsString() password!: string;
}

export class NewUserRequest {
  @ValidateNested() @Type(() => NewUser) user!: NewUser;
}

export class LoginUser {
  @IsEmail() email!: string;
  @IsNotEmpty() @IsString() password!: string;
}

export class LoginUserRequest {
  @ValidateNested() @Type(() => LoginUser) user!: LoginUser;
}

export class UpdateUser {
  @IsOptional() @IsEmail() email?: string;
  @IsOptional() @IsNotEmpty() @IsString() username?: string;
  @IsOptional() @IsString() password?: string;
  @IsOptional() @IsString() bio?: string | null;
  @IsOptional() @IsString() image?: string | null;
}

export class UpdateUserRequest {
  @ValidateNested() @Type(() => UpdateUser) user!: UpdateUser;
}
