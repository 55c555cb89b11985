import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';

export class NewArticle {
  @IsNotEmpty() @IsString() title!: string;
  @IsString() description!: string;
  @IsNotEmpty() @IsString() body!: string;
  @IsOptional() @IsArray() @IsString({ each: true }) tagList?: string[];
}

export class NewArticleRequest {
  @ValidateNested() @Type(() => NewArticle) article!: NewArticle;
}

export class UpdateArticle {
  @IsOptional() @IsNotEmpty() @IsString() title?: string;
  @IsOptional() @IsString() description?: string;
  @IsOptional() @IsNotEmpty() @IsString() body?: string;
}

export class UpdateArticleRequest {
  @ValidateNested() @Type(() => UpdateArticle) article!: UpdateArticle;
}

export class NewComment {
  @IsNotEmpty() @IsString() body!: string;
}

export class NewCommentRequest {
  @ValidateNested() @Type(() => NewComment) comment!: NewComment;
}
