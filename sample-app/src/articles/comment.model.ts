import { IsNotEmpty, IsString } from 'class-validator';
import {
  BelongsTo,
  Column,
  CreatedAt,
  Index,
  Model,
  PrimaryKey,
  Table,
  UpdatedAt,
} from 'nestjs-active-record';
import { User } from '../users/user.model';

// An article's comments are listed (oldest first) and destroyed with it by article_id.
@Table('comments')
@Index(['articleId', 'createdAt'])
export class Comment extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'text' }) @IsNotEmpty() @IsString() body!: string;
  @Column() articleId!: number;
  @Column() authorId!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;

  @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
}
