import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Transactional, UnitOfWork, permitQuery, type Query } from 'nestjs-active-record';
import { ProfilesService } from '../profiles/profiles.service';
import { User } from '../users/user.model';
import { Article } from './article.model';
import type { NewArticle, UpdateArticle } from './articles.dto';
import { Comment } from './comment.model';
import { Tag } from './tag.model';

/** The list parameters as the client sent them, not yet checked. */
export interface ArticleListRequest {
  tag?: unknown;
  author?: unknown;
  favorited?: unknown;
  limit?: unknown;
  offset?: unknown;
}

/**
 * What clients of the article lists may ask: one tag, author and favoriting user each (exact
 * names, no operators, no lists), pages of at most 100.
 */
const articleLists = permitQuery(Article, {
  filter: { 'tags.name': true, 'author.username': true, 'favoritedBy.username': true },
  limit: { default: 20, max: 100 },
  maxOffset: 100_000,
});

@Injectable()
export class ArticlesService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async bySlug(slug: string): Promise<Article> {
    const article = await Article.findBy({ slug });
    if (!article) throw new NotFoundException(`No article ${slug}`);
    return article;
  }

  list(request: ArticleListRequest, viewer?: User) {
    const { where, limit, offset } = articleLists.parse({
      filter: {
        'tags.name': request.tag || undefined,
        'author.username': request.author || undefined,
        'favoritedBy.username': request.favorited || undefined,
      },
      limit: request.limit,
      offset: request.offset,
    });
    return this.page(Article.where(where), { limit, offset }, viewer);
  }

  /** Articles by the authors the viewer follows. */
  feed(viewer: User, request: ArticleListRequest) {
    const { limit, offset } = articleLists.parse({ limit: request.limit, offset: request.offset });
    const followed = Article.where({ author: { followers: { id: viewer.id } } });
    return this.page(followed, { limit, offset }, viewer);
  }

  /**
   * One page with everything the list shows, in a constant number of queries whatever its
   * size: the count, then the page with its authors, tags and favorite counts in one
   * statement; with a viewer, their favorites and follows.
   */
  private async page(
    query: Query<Article>,
    { limit, offset }: { limit: number; offset: number },
    viewer?: User,
  ) {
    const [articlesCount, articles] = await Promise.all([
      query.count(),
      query
        .order({ createdAt: 'desc', id: 'desc' })
        .limit(limit)
        .offset(offset)
        .include('author', 'tags')
        .withCount('favoritedBy'),
    ]);
    return { articles: await this.present(articles, viewer), articlesCount };
  }

  async present(articles: Article[], viewer?: User) {
    if (articles.length === 0) return [];
    const ids = articles.map((a) => a.id);
    const counts = new Map<number, number>();
    for (const article of articles) counts.set(article.id, await article.countOf('favoritedBy'));
    const favorited = viewer
      ? new Set(await Article.where({ id: ids, favoritedBy: { id: viewer.id } }).pluck('id'))
      : new Set<number>();
    const followed = await this.profiles.followedAmong(
      viewer,
      articles.map((a) => a.author),
    );
    return articles.map((article) => ({
      slug: article.slug,
      title: article.title,
      description: article.description,
      body: article.body,
      tagList: article.tags.map((t) => t.name),
      createdAt: article.createdAt,
      updatedAt: article.updatedAt,
      favorited: favorited.has(article.id),
      favoritesCount: counts.get(article.id) ?? 0,
      author: this.profiles.present(article.author, followed.has(article.authorId)),
    }));
  }

  async presentOne(article: Article, viewer?: User) {
    // One article: `limit(1)` lets the includes come in the same statement ('auto').
    const [loaded] = await Article.where({ id: article.id })
      .limit(1)
      .include('author', 'tags')
      .withCount('favoritedBy');
    const [presented] = await this.present([loaded!], viewer);
    return { article: presented };
  }

  @Transactional()
  async create(author: User, input: NewArticle): Promise<Article> {
    const article = await Article.create({
      title: input.title,
      description: input.description,
      body: input.body,
      authorId: author.id,
    });
    const names = [...new Set(input.tagList ?? [])].filter((n) => n.trim().length > 0);
    if (names.length) {
      await Tag.upsertAll(
        names.map((name) => ({ name })),
        { conflict: ['name'], update: [], returning: false },
      );
      await article.addTo('tags', ...(await Tag.where({ name: names })));
    }
    return article;
  }

  /** Changes go through the request's unit of work: validated, hooked (slug), then written. */
  async update(viewer: User, slug: string, input: UpdateArticle): Promise<Article> {
    const article = await this.owned(viewer, slug);
    article.assign(input);
    this.unitOfWork.add(article);
    await this.unitOfWork.flush();
    return article;
  }

  async remove(viewer: User, slug: string): Promise<void> {
    const article = await this.owned(viewer, slug);
    await article.destroy();
  }

  async favorite(viewer: User, slug: string, favorite: boolean): Promise<Article> {
    const article = await this.bySlug(slug);
    if (favorite) await article.addTo('favoritedBy', viewer);
    else await article.removeFrom('favoritedBy', viewer);
    return article;
  }

  async comments(slug: string, viewer?: User) {
    const article = await this.bySlug(slug);
    const comments = await Comment.where({ articleId: article.id })
      .order({ createdAt: 'asc', id: 'asc' })
      .include('author');
    const followed = await this.profiles.followedAmong(
      viewer,
      comments.map((c) => c.author!),
    );
    return { comments: comments.map((c) => this.presentComment(c, followed.has(c.authorId))) };
  }

  async addComment(viewer: User, slug: string, body: string) {
    const article = await this.bySlug(slug);
    const comment = await Comment.create({ body, articleId: article.id, authorId: viewer.id });
    comment.author = viewer;
    return { comment: this.presentComment(comment, false) };
  }

  async removeComment(viewer: User, slug: string, id: number): Promise<void> {
    const article = await this.bySlug(slug);
    const comment = await Comment.findBy({ id, articleId: article.id });
    if (!comment) throw new NotFoundException(`No comment ${id}`);
    if (comment.authorId !== viewer.id) throw new ForbiddenException('Not your comment');
    await comment.destroy();
  }

  async tags(): Promise<{ tags: string[] }> {
    return { tags: await Tag.order({ name: 'asc' }).pluck('name') };
  }

  private presentComment(comment: Comment, following: boolean) {
    return {
      id: comment.id,
      createdAt: comment.createdAt,
      updatedAt: comment.updatedAt,
      body: comment.body,
      author: this.profiles.present(comment.author!, following),
    };
  }

  private async owned(viewer: User, slug: string): Promise<Article> {
    const article = await this.bySlug(slug);
    if (article.authorId !== viewer.id) throw new ForbiddenException('Not your article');
    return article;
  }
}
