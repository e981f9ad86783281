export { checkHistory, type OracleReport, type RaceRow } from './oracle.js';
export { percentile } from './percentile.js';
export type { RaceTarget } from './race-target.js';
export { type RaceOptions, type RaceResult, runRace } from './run-race.js';
export { type Pause, STRATEGIES, type Strategy, type WriteCounters, writeOnce } from './strategies.js';
