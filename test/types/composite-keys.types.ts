/**
 * Compile-time contract of composite primary keys: `find` takes exactly the key object a
 * model declares through `[PrimaryKeyFields]`. Every `@ts-expect-error` line must fail to compile.
 */
import {
  BelongsTo,
  Column,
  Model,
  PrimaryKey,
  PrimaryKeyFields,
  Table,
  type PrimaryKeyOf,
  type Repository,
} from '../../lib';

@Table()
class Order extends Model {
  declare readonly [PrimaryKeyFields]?: 'tenantId' | 'id';
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column() total!: number;
}

@Table()
class OrderLine extends Model {
  @PrimaryKey() tenantId!: number;
  @PrimaryKey({ generated: true }) id!: number;
  @Column() orderId!: number;
  @BelongsTo(() => Order, { foreignKey: ['tenantId', 'orderId'] }) order!: Order;
}

@Table()
class User extends Model {
  @PrimaryKey() id!: number;
  @Column() name!: string;
}

export async function compositeKeyContract(orders: Repository<Order>): Promise<void> {
  const order = await Order.find({ tenantId: 1, id: 7 });
  const total: number = order.total;
  await orders.find({ tenantId: 1, id: 7 });
  const key: PrimaryKeyOf<Order> = { tenantId: 1, id: 7 };
  await Order.find(key);

  // @ts-expect-error a part of the key is missing
  await Order.find({ id: 7 });
  // @ts-expect-error a property that is not part of the key
  await Order.find({ tenantId: 1, id: 7, total: 3 });
  // @ts-expect-error an unknown property
  await Order.find({ tenantId: 1, id: 7, nope: 3 });
  // @ts-expect-error a composite key is not one value
  await Order.find(7);
  // @ts-expect-error a part of the wrong type
  await Order.find({ tenantId: '1', id: 7 });

  // ids() gives key objects, which find() takes back
  const [first] = await Order.all().ids();
  await Order.find(first!);
  const firstTenant: number = first!.tenantId;
  const userIds: number[] = await User.all().ids();

  // select() keeps every part of the key
  const [partial] = await Order.all().select('total');
  const parts: [number, number] = [partial!.tenantId, partial!.id];

  // Without a declaration, a key object of the model's fields is accepted (checked at run time).
  await OrderLine.find({ tenantId: 1, id: 2 });
  // @ts-expect-error an unknown property
  await OrderLine.find({ tenantId: 1, nope: 2 });

  // A single key keeps its value form, and accepts its key object.
  await User.find(1);
  await User.find({ id: 1 });
  // @ts-expect-error wrong key type
  await User.find('1');
  void total;
  void firstTenant;
  void userIds;
  void parts;
}
