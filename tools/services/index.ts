/**
 * Dev services for noclobber's tests, examples, benchmark and the `race` command run from a
 * checkout: real servers started on demand on loopback, each under a per-process session
 * directory that a later run cleans up if this one dies. Not part of the published package.
 */
export { localClient, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local.js';
export { type PostgresOptions, type RunningPostgres, startPostgres, THROWAWAY_FLAGS } from './embedded-postgres.js';
export { freePort } from './free-port.js';
export { type RunningMariaDb, startMariaDb } from './mariadb.js';
export { oneLine, type ServiceName, ServiceUnavailableError } from './service-error.js';
export { type ServiceSession, serviceSession, servicesRoot, sweepStaleSessions } from './service-session.js';
