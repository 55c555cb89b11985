import { IsNotEmpty, IsString } from 'class-validator';
import {
  BelongsTo,
  Column,
  CreatedAt,
  Model,
  PrimaryKey,
  Table,
  UpdatedAt,
} from 'nestjs-active-record';
import { User } from '../users/user.model';

@Table('comments')
export class Comment extends Model {
  @PrimaryKey() id!: number;
  @Column({ type: 'text' }) @IsNotEmpty() @IsString() body!: string;
  @Column() articleId!: number;
  @Column() authorId!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;

  @BelongsTo(() => User, { foreignKey: 'authorId' }) author!: User;
}
