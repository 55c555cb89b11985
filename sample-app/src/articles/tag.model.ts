import { Column, Model, PrimaryKey, Table } from 'nestjs-active-record';

@Table('tags')
export class Tag extends Model {
  @PrimaryKey() id!: number;
  @Column({ unique: true }) name!: string;
}
