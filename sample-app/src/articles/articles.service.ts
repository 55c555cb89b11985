import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Transactional, UnitOfWork, type Query } from 'nestjs-active-record';
import { ProfilesService } from '../profiles/profiles.service';
import { User } from '../users/user.model';
import { Article } from './article.model';
import type { NewArticle, UpdateArticle } from './articles.dto';
import { Comment } from './comment.model';
import { Tag } from './tag.model';

export interface ArticleFilters {
  tag?: string;
  author?: string;
  favorited?: string;
  limit?: number;
  offset?: number;
}

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

  async list(filters: ArticleFilters, viewer?: User) {
    let query: Query<Article> = Article.all();
    if (filters.tag) query = query.where({ tags: { name: filters.tag } });
    if (filters.author) query = query.where({ author: { username: filters.author } });
    if (filters.favorited) query = query.where({ favoritedBy: { username: filters.favorited } });
    return this.page(query, filters, viewer);
  }

  /** Articles by the authors the viewer follows. */
  feed(viewer: User, filters: ArticleFilters) {
    return this.page(Article.where({ author: { followers: { id: viewer.id } } }), filters, viewer);
  }

  /**
   * One page with everything the list shows, in a constant number of queries whatever its
   * size: count, page, authors, tags, favorite counts, the viewer's favorites, follows.
   */
  private async page(query: Query<Article>, filters: ArticleFilters, viewer?: User) {
    const [articlesCount, articles] = await Promise.all([
      query.count(),
      query
        .order({ createdAt: 'desc', id: 'desc' })
        .limit(filters.limit ?? 20)
        .offset(filters.offset ?? 0)
        .include('author', 'tags'),
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
    const [loaded] = await Article.where({ id: article.id }).include('author', 'tags');
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
