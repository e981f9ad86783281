import { inject } from 'vitest';
import { postgresHarness } from '../postgres/pg-harness.js';
import { describeConformance } from './suite.js';

describeConformance('postgres', async () => postgresHarness(inject('POSTGRES_URL')));
