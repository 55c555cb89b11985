import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Column, CreatedAt, Model, PrimaryKey, Table, UpdatedAt } from '../../../lib';

@Table()
export class Note extends Model {
  @PrimaryKey() id!: number;
  @Column() @IsString() @MaxLength(200) title!: string;
  @Column({ nullable: true }) @IsOptional() @IsString() body!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
