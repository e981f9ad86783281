import { type RunningPostgres, startPostgres, THROWAWAY_FLAGS } from '../../tools/services/index.js';

/** A PostgreSQL server the fault suite may stop and start again, keeping its data. */
export type RestartableServer = Pick<RunningPostgres, 'url' | 'restart' | 'stop'>;

/**
 * A PostgreSQL server of the fault suite's own (its restarts must not disturb the other test
 * files, which share the run's server), from the dev services' starter. Commits are
 * synchronous (`synchronous_commit=on`) so an acknowledged commit survives the stop; fsync
 * stays off (it guards against OS crashes only).
 */
export function startRestartable(): Promise<RestartableServer> {
  const flags = THROWAWAY_FLAGS.filter(
    (f, i, all) => f !== 'synchronous_commit=off' && all[i + 1] !== 'synchronous_commit=off',
  );
  return startPostgres({ database: 'faults', flags });
}
