import type { WriteOnce } from '../sections/run-hot-row-cell.js';

/** The table every peer library writes: created with SQL (no ORM migrations). */
export const PEER_TABLE = 'peer_rows';
/** Its DDL: the hot-row shape with an integer counter, which every ORM maps natively. */
export const PEER_DDL = `CREATE TABLE IF NOT EXISTS ${PEER_TABLE} (id text PRIMARY KEY, n integer NOT NULL, version integer NOT NULL)`;
/** The one hot row. */
export const PEER_KEY = 'row-0';

/** A peer library opened against the benchmark's server. */
export interface PeerSession {
  /** A writer doing the library's documented read-modify-write once (its own retry loop included). */
  writer(): WriteOnce;
  close(): Promise<void>;
}

/** A peer library and how it is used, for the tables. */
export interface Peer {
  /** Library name and the installed version. */
  readonly name: string;
  /** The documented pattern the benchmark runs. */
  readonly how: string;
  /** Connects with a pool of `connections`. Throws when the library cannot run here. */
  open(url: string, connections: number): Promise<PeerSession>;
}
