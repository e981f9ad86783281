import { describe, it } from 'vitest';
import { postgresHarness } from '../postgres/pg-harness.js';
import { service } from '../setup/services.js';
import { describeConformance } from './suite.js';

const url = await service('postgres');
if (url)
  describeConformance('postgres', async () => postgresHarness(url), {
    versionKinds: ['integer', 'timestamp'],
    plain: true,
  });
else
  describe.skip('conformance: postgres (PostgreSQL not available; see the warning above)', () =>
    it('runs the suite', () => {}));
