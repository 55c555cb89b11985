import { IsNotEmpty, IsString } from 'class-validator';
import {
  BeforeSave,
  BelongsTo,
  Column,
  CreatedAt,
  HasMany,
  Index,
  ManyToMany,
  Model,
  PrimaryKey,
  Table,
  UpdatedAt,
} from 'nestjs-active-record';
import { User } from '../users/user.model';
import { Comment } from './comment.model';
import { Tag } from './tag.model';

/** `How to Train Your Dragon` → `how-to-train-your-dragon`. */
export function slugify(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'article'
  );
}

// The lists show the newest first; by author (a filter, and the feed's followed authors) too.
// The second index leads with author_id, so the belongs-to key needs no index of its own.
@Table('articles')
@Index(['createdAt', 'id'], { order: { createdAt: 'desc', id: 'desc' } })
@Index(['authorId', 'createdAt'], { order: { createdAt: 'desc' } })
export class Article extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) slug!: string;
  @Column() @IsNotEmpty() @IsString() title!: string;
  @Column() @IsString() description!: string;
  @Column({ type: 'text' }) @IsNotEmpty() @IsString() body!: string;
  @Column() authorId!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;

  @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
  @ManyToMany(() => Tag, { through: 'article_tags', order: { name: 'asc' } }) tags!: Tag[];
  @ManyToMany(() => User, { through: 'favorites', foreignKey: 'articleId', otherKey: 'userId' })
  favoritedBy!: User[];
  @HasMany(() => Comment, { dependent: 'destroy' }) comments!: Comment[];

  /** The slug follows the title; a numeric suffix keeps it unique. */
  @BeforeSave() async setSlug(): Promise<void> {
    if (!this.isNew && !(this as Article).changed('title')) return;
    const base = slugify(this.title);
    let slug = base;
    for (
      let n = 2;
      await Article.where({ slug })
        .whereNot({ id: this.id ?? -1 })
        .exists();
      n++
    ) {
      slug = `${base}-${n}`;
    }
    this.slug = slug;
  }
}
