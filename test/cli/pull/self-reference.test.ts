import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, type ModelClass } from '../../../lib';
import { pullModels } from '../../../lib/cli/pull/pull-models';
import { typeErrors } from '../../support/generated-models';
import { describeEachDatabase } from '../../support/test-database';

const schema = `
  CREATE TABLE employees (
    id serial PRIMARY KEY,
    name text NOT NULL,
    manager_id integer REFERENCES employees (id),
    mentor_id integer REFERENCES employees (id)
  );
  CREATE INDEX employees_manager_id_idx ON employees (manager_id);
  CREATE TABLE employee_friends (
    employee_id integer NOT NULL REFERENCES employees (id),
    friend_id integer NOT NULL REFERENCES employees (id),
    PRIMARY KEY (employee_id, friend_id)
  );
  CREATE INDEX employee_friends_friend_id_idx ON employee_friends (friend_id);
`;

type Row = Record<string, unknown>;

describeEachDatabase('db:pull: a table that refers to itself', { models: [], schema }, (db) => {
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'pulled-self-'));
    await pullModels(db().orm, { out });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('names each key after its column, on both sides, and the self join after its columns', () => {
    expect(readdirSync(out).sort()).toEqual(['employee.model.ts', 'index.ts']);
    const employee = readFileSync(join(out, 'employee.model.ts'), 'utf8');
    expect(employee).toContain(
      `  @BelongsTo(() => Employee) manager!: Rel<Employee> | null;
  @BelongsTo(() => Employee, { index: false }) mentor!: Rel<Employee> | null;
  @HasMany(() => Employee, { foreignKey: 'managerId' }) managerEmployees!: Rel<Employee>[];
  @HasMany(() => Employee, { foreignKey: 'mentorId' }) mentorEmployees!: Rel<Employee>[];`,
    );
    expect(employee).toContain(
      `@ManyToMany(() => Employee, {
    through: 'employee_friends',
    foreignKey: 'employeeId',
    otherKey: 'friendId',
  })
  friends!: Rel<Employee>[];`,
    );
    expect(typeErrors(out)).toEqual([]);
  });

  it('migration:generate finds nothing, and the relations load', async () => {
    const { models } = (await import(join(out, 'index.ts'))) as { models: ModelClass[] };
    for (const model of models) db().orm.repository(model);
    const directory = mkdtempSync(join(tmpdir(), 'pulled-self-migrations-'));
    try {
      const generated = await new Migrator(db().orm, { directory }).generate('AfterPull');
      expect(generated.file).toBeUndefined();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    await db().exec(`
      INSERT INTO employees (id, name) VALUES (1, 'Grace');
      INSERT INTO employees (id, name, manager_id, mentor_id) VALUES (2, 'Alan', 1, 1);
      INSERT INTO employee_friends VALUES (2, 1)
    `);
    const Employee = models[0] as unknown as {
      where(input: object): { include(...paths: string[]): Promise<Row[]> };
    };
    const [alan] = await Employee.where({ id: 2 }).include('manager', 'friends');
    expect((alan!.manager as Row).name).toBe('Grace');
    expect((alan!.friends as Row[]).map((f) => f.name)).toEqual(['Grace']);
    const [grace] = await Employee.where({ id: 1 }).include('managerEmployees', 'employees');
    expect((grace!.managerEmployees as Row[]).map((e) => e.name)).toEqual(['Alan']);
    expect((grace!.employees as Row[]).map((e) => e.name)).toEqual(['Alan']);
  });
});
