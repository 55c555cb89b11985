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
  UseInterceptors,
} from '@nestjs/common';
import { TransactionInterceptor } from 'nestjs-active-record';
import { CurrentUser, OptionalAuth } from '../auth/auth.guard';
import { User } from '../users/user.model';
import { NewArticleRequest, NewCommentRequest, UpdateArticleRequest } from './articles.dto';
import { ArticlesService } from './articles.service';

/**
 * Writes answer with the article as it now is, read after the change. Each write runs in one
 * transaction with those reads (`TransactionInterceptor`): the response is sent after COMMIT,
 * and a failure anywhere — the database restarting between the write and the reads, say —
 * rolls the write back, so an error answer never hides a write and a retry never duplicates one.
 */
@Controller()
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get('articles')
  @OptionalAuth()
  // Query values are whatever the client sent (a repeated parameter is a list): the service
  // passes them through its input policy, which refuses anything but single values.
  list(
    @Query('tag') tag: unknown,
    @Query('author') author: unknown,
    @Query('favorited') favorited: unknown,
    @Query('limit') limit: unknown,
    @Query('offset') offset: unknown,
    @CurrentUser() viewer?: User,
  ) {
    return this.articles.list({ tag, author, favorited, limit, offset }, viewer);
  }

  @Get('articles/feed')
  feed(
    @Query('limit') limit: unknown,
    @Query('offset') offset: unknown,
    @CurrentUser() viewer: User,
  ) {
    return this.articles.feed(viewer, { limit, offset });
  }

  @Post('articles')
  @UseInterceptors(TransactionInterceptor)
  async create(@Body() body: NewArticleRequest, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.create(viewer, body.article), viewer);
  }

  @Get('articles/:slug')
  @OptionalAuth()
  async show(@Param('slug') slug: string, @CurrentUser() viewer?: User) {
    return this.articles.presentOne(await this.articles.bySlug(slug), viewer);
  }

  @Put('articles/:slug')
  @UseInterceptors(TransactionInterceptor)
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
  @UseInterceptors(TransactionInterceptor)
  @HttpCode(200)
  async favorite(@Param('slug') slug: string, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.favorite(viewer, slug, true), viewer);
  }

  @Delete('articles/:slug/favorite')
  @UseInterceptors(TransactionInterceptor)
  async unfavorite(@Param('slug') slug: string, @CurrentUser() viewer: User) {
    return this.articles.presentOne(await this.articles.favorite(viewer, slug, false), viewer);
  }

  @Get('articles/:slug/comments')
  @OptionalAuth()
  comments(@Param('slug') slug: string, @CurrentUser() viewer?: User) {
    return this.articles.comments(slug, viewer);
  }

  @Post('articles/:slug/comments')
  @UseInterceptors(TransactionInterceptor)
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
