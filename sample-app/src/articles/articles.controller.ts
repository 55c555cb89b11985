import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { CurrentUser, OptionalAuth } from '../auth/auth.guard';
import { User } from '../users/user.model';
import { NewArticleRequest, NewCommentRequest, UpdateArticleRequest } from './articles.dto';
import { ArticlesService } from './articles.service';

function page(value: string | undefined, fallback: number, max: number): number {
  const n = value === undefined ? fallback : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

@Controller()
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get('articles')
  @OptionalAuth()
  list(
    @Query('tag') tag: string | undefined,
    @Query('author') author: string | undefined,
    @Query('favorited') favorited: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @CurrentUser() viewer?: User,
  ) {
    return this.articles.list(
      { tag, author, favorited, limit: page(limit, 20, 100), offset: page(offset, 0, 1_000_000) },
      viewer,
    );
  }

  @Get('articles/feed')
  feed(
    @Query('limit') limit: string | undefined,
    @Query('offset') offset: string | undefined,
    @CurrentUser() viewer: User,
  ) {
    return this.articles.feed(viewer, {
      limit: page(limit, 20, 100),
      offset: page(offset, 0, 1_000_000),
    });
  }

  @Post('articles')
  async create(@Body() body: NewArticleRequest, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.create(viewer, body.article), viewer);
  }

  @Get('articles/:slug')
  @OptionalAuth()
  async show(@Param('slug') slug: string, @CurrentUser() viewer?: User) {
    return this.articles.presentOne(await this.articles.bySlug(slug), viewer);
  }

  @Put('articles/:slug')
  async update(
    @Param('slug') slug: string,
    @Body() body: UpdateArticleRequest,
    @CurrentUser() viewer: User,
  ) {
    return this.articles.presentOne(await this.articles.update(viewer, slug, body.article), viewer);
  }

  @Delete('articles/:slug')
  @HttpCode(204)
  remove(@Param('slug') slug: string, @CurrentUser() viewer: User) {
    return this.articles.remove(viewer, slug);
  }

  @Post('articles/:slug/favorite')
  @HttpCode(200)
  async favorite(@Param('slug') slug: string, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.favorite(viewer, slug, true), viewer);
  }

  @Delete('articles/:slug/favorite')
  async unfavorite(@Param('slug') slug: string, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.favorite(viewer, slug, false), viewer);
  }

  @Get('articles/:slug/comments')
  @OptionalAuth()
  comments(@Param('slug') slug: string, @CurrentUser() viewer?: User) {
    return this.articles.comments(slug, viewer);
  }

  @Post('articles/:slug/comments')
  addComment(
    @Param('slug') slug: string,
    @Body() body: NewCommentRequest,
    @CurrentUser() viewer: User,
  ) {
    return this.articles.addComment(viewer, slug, body.comment.body);
  }

  @Delete('articles/:slug/comments/:id')
  @HttpCode(204)
  removeComment(
    @Param('slug') slug: string,
    @Param('id', ParseIntPipe) id: number,
    @CurrentUser() viewer: User,
  ) {
    return this.articles.removeComment(viewer, slug, id);
  }

  @Get('tags')
  @OptionalAuth()
  tags() {
    return this.articles.tags();
  }
}
