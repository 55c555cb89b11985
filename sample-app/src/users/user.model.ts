import { IsEmail, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import {
  Column,
  CreatedAt,
  Hidden,
  ManyToMany,
  Model,
  PrimaryKey,
  Table,
  UpdatedAt,
} from 'nestjs-active-record';

@Table('users')
export class User extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) @IsNotEmpty() @IsString() username!: string;
  @Column({ unique: true }) @IsEmail() email!: string;
  @Hidden() @Column() passwordHash!: string;
  @Column({ nullable: true }) @IsOptional() @IsString() bio!: string | null;
  @Column({ nullable: true }) @IsOptional() @IsString() image!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;

  @ManyToMany(() => User, { through: 'follows', foreignKey: 'followerId', otherKey: 'followedId' })
  following!: User[];
  @ManyToMany(() => User, { through: 'follows', foreignKey: 'followedId', otherKey: 'followerId' })
  followers!: User[];
}
