import { sqliteHarness } from '../sqlite/sqlite-harness.js';
import { describeConformance } from './suite.js';

describeConformance('sqlite (:memory:)', async () => sqliteHarness('memory'));
describeConformance('sqlite (WAL file, separate connections)', async () => sqliteHarness('file'));
