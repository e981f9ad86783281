import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Row, Store } from 'noclobber';
import { type PrismaClientLike, PrismaStore, type PrismaStoreConfig } from 'noclobber/prisma';
import { ident } from '../../src/stores/postgres/postgres-sql.js';
import type { ColumnKind, StoreHarness, TableSpec } from '../conformance/harness.js';
import { pgPlain } from '../postgres/pg-harness.js';
import { generatePrismaClient } from './prisma-generate.js';

/** A generated client as the tests use it (typed here: the client is generated at run time). */
export interface TestPrismaClient extends PrismaClientLike {
  $disconnect(): Promise<void>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $transaction<R>(fn: (tx: PrismaClientLike) => Promise<R>, options?: Record<string, unknown>): Promise<R>;
}

/** The constructor of a generated client. */
export type TestPrismaClientClass = new (options: { adapter: unknown }) => TestPrismaClient;

/**
 * Imports a client generated from `schema` (generating it first when needed).
 * @example
 * ```ts
 * const PrismaClient = await prismaClientClass(SCHEMA, 'conformance');
 * ```
 */
export async function prismaClientClass(schema: string, name: string): Promise<TestPrismaClientClass> {
  const file = await generatePrismaClient(schema, name);
  return ((await import(pathToFileURL(file).href)) as { PrismaClient: TestPrismaClientClass }).PrismaClient;
}

/**
 * A client on its own small pool whose connections look in `schema` first (raw statements
 * through `search_path`, model queries through the adapter's `schema`), closing idle
 * connections quickly so that many test clients share one server.
 * @example
 * ```ts
 * const prisma = connectPrisma(PrismaClient, url, 'app', 2);
 * ```
 */
export function connectPrisma(
  PrismaClient: TestPrismaClientClass,
  url: string,
  schema: string,
  max = 2,
): TestPrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max, idleTimeoutMillis: 1000, options: `-c search_path=${schema}` },
    { schema },
  );
  return new PrismaClient({ adapter });
}

/**
 * The conformance tables as Prisma models whose fields are mapped to differently named
 * columns (`@map`, `@@map`), so every case also checks that names are translated both ways.
 * `Hostile` (the model-based and hostile-case tables) maps every field, the key and the
 * version to names with quotes, dots, a backslash, comment and placeholder syntax, in a
 * table whose name holds a dot: they reach SQL only through the identifier helper.
 */
export const CONFORMANCE_MODELS = String.raw`
model Doc {
  id      String  @id
  title   String? @map("doc_title")
  status  String? @map("doc_status")
  owner   String?
  n       Float?  @map("num")
  data    Json?   @map("doc_data")
  tags    Json?
  meta    Json?
  capped  Json?
  version Int     @map("row_version")

  @@map("docs")
}

model Account {
  id      String @id
  balance Float? @map("bal")
  version Int

  @@map("accounts")
}

model TenantItem {
  tenant  String
  id      Int
  title   String? @map("item_title")
  version Int     @map("v")

  @@id([tenant, id])
  @@map("tenant_items")
}

model Stamped {
  id      String   @id
  title   String?  @map("stamp_title")
  version DateTime @map("stamped_at") @db.Timestamptz(6)

  @@map("stamped")
}

model Hostile {
  id      String  @id @map("id'; --")
  title   String? @map("ti\"tle")
  n       Float?  @map("n.x")
  count   Int?    @map("count $1")
  data    Json?   @map("da/*ta*/")
  meta    Json?
  capped  Json?   @map("capped\\")
  version Int     @map("row.version")

  @@map("hostile.model")
}

model FieldsItem {
  id         String  @id
  name       String? @map("item name")
  data       Json?   @map("item.data")
  created_at String? @map("created at")
  legacy     Int?    @map("legacy\"col")
  version    Int     @default(1) @map("row version")

  @@map("fields_items")
}
`;

/** The columns of the `Hostile` model's fields (as the schema above maps them). */
export const HOSTILE_COLUMNS: Readonly<Record<string, string>> = {
  id: "id'; --",
  title: 'ti"tle',
  n: 'n.x',
  count: 'count $1',
  data: 'da/*ta*/',
  capped: 'capped\\',
  version: 'row.version',
};

const MODEL: Record<string, { model: string; table?: string; columns: Readonly<Record<string, string>> }> = {
  docs: {
    model: 'Doc',
    columns: { title: 'doc_title', status: 'doc_status', n: 'num', data: 'doc_data', version: 'row_version' },
  },
  accounts: { model: 'Account', columns: { balance: 'bal' } },
  tenant_items: { model: 'TenantItem', columns: { title: 'item_title', version: 'v' } },
  stamped: { model: 'Stamped', columns: { title: 'stamp_title', version: 'stamped_at' } },
  hostile: { model: 'Hostile', table: 'hostile.model', columns: HOSTILE_COLUMNS },
};

const SQL_TYPE: Record<ColumnKind, string> = {
  text: 'text',
  int: 'integer',
  number: 'double precision',
  json: 'jsonb',
};

let seq = 0;
const TOMBSTONES = `nc "graves"`;

/**
 * The conformance harness through Prisma: each table lives in its own PostgreSQL schema,
 * created with SQL (migrations need an engine that cannot be downloaded here), and is bound
 * by model name. Every table's `store` is on one shared client (as the PostgreSQL harness
 * shares one pool), so `tx.with` joins them; every `connect()` is a new PrismaClient with
 * its own pool.
 * @example
 * ```ts
 * describeConformance('prisma', async () => prismaHarness(url));
 * ```
 */
export async function prismaHarness(url: string): Promise<StoreHarness> {
  const PrismaClient = await prismaClientClass(CONFORMANCE_MODELS, 'conformance');
  const clients: TestPrismaClient[] = [];
  const admin = connectPrisma(PrismaClient, url, 'public', 1);
  const main = connectPrisma(PrismaClient, url, 'public', 4);
  clients.push(admin, main);
  return {
    name: 'prisma',
    versionKinds: ['integer', 'timestamp'],
    async table(spec: TableSpec) {
      const m = MODEL[spec.name];
      if (!m) throw new Error(`no model for ${spec.name}`);
      const schema = `ncp_${process.pid}_${++seq}`;
      const col = (c: string) => ident(m.columns[c] ?? c);
      const cols = Object.entries(spec.columns).map(([c, kind]) => `${col(c)} ${SQL_TYPE[kind]}`);
      await admin.$executeRawUnsafe(`CREATE SCHEMA "${schema}"`);
      const quoted = `"${schema}".${ident(m.table ?? spec.name)}`;
      const version = spec.versionKind === 'timestamp' ? 'timestamptz' : 'integer';
      await admin.$executeRawUnsafe(
        `CREATE TABLE ${quoted} (${cols.join(', ')}, ${col('version')} ${version} NOT NULL, PRIMARY KEY (${spec.key.map(col).join(', ')}))`,
      );
      const config: PrismaStoreConfig = {
        model: m.model,
        schema,
        versionKind: spec.versionKind ?? 'integer',
        // A name of our own (with a space and a quote): the option reaches the PostgreSQL store, quoted.
        tombstoneTable: TOMBSTONES,
        ...(spec.maxBytes ? { maxBytes: spec.maxBytes } : {}),
      };
      const connect = async (): Promise<Store<Row>> => {
        const client = connectPrisma(PrismaClient, url, schema);
        clients.push(client);
        return PrismaStore.open(client, config);
      };
      const store = await PrismaStore.open(main, config);
      // Made in the table's schema under that name (this throws when it is not there).
      await admin.$executeRawUnsafe(`SELECT 1 FROM "${schema}".${ident(TOMBSTONES)} LIMIT 0`);
      const plain = pgPlain((sql, values) => admin.$executeRawUnsafe(sql, ...values), quoted, spec, col);
      return { store, connect, plain };
    },
    async close() {
      await Promise.all(clients.map((c) => c.$disconnect()));
    },
  };
}
