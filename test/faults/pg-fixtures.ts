import type pg from 'pg';

/**
 * A table for the fault suite, with two test seams inside PostgreSQL: a BEFORE UPDATE trigger
 * that sleeps `faults.statement_ms` (the statement is running) and a deferred constraint
 * trigger that sleeps `faults.commit_ms` at COMMIT (the commit is running). A session that
 * sets neither pays nothing.
 */
export async function faultTable(admin: pg.Pool, name: string, rows: readonly string[]): Promise<void> {
  await admin.query(
    `CREATE TABLE "${name}" (id text PRIMARY KEY, n double precision NOT NULL, markers jsonb NOT NULL, version integer NOT NULL)`,
  );
  await admin.query(`CREATE OR REPLACE FUNCTION fault_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(coalesce(nullif(current_setting('faults.statement_ms', true), ''), '0')::int / 1000.0); RETURN NEW; END $$`);
  await admin.query(`CREATE OR REPLACE FUNCTION fault_commit_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(coalesce(nullif(current_setting('faults.commit_ms', true), ''), '0')::int / 1000.0); RETURN NULL; END $$`);
  await admin.query(
    `CREATE TRIGGER slow_statement BEFORE UPDATE ON "${name}" FOR EACH ROW EXECUTE FUNCTION fault_sleep()`,
  );
  await admin.query(
    `CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON "${name}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fault_commit_sleep()`,
  );
  for (const id of rows) await admin.query(`INSERT INTO "${name}" VALUES ($1, 0, '[]', 1)`, [id]);
}

/** Every row's counter and markers. */
export async function readRows(admin: pg.Pool, name: string): Promise<Map<string, { n: number; markers: string[] }>> {
  const { rows } = await admin.query(`SELECT id, n, markers FROM "${name}"`);
  return new Map(rows.map((r) => [r.id as string, { n: r.n as number, markers: r.markers as string[] }]));
}
