import { describe, it } from 'vitest';
import { prismaHarness } from '../prisma/prisma-harness.js';
import { service } from '../setup/services.js';
import { describeConformance } from './suite.js';

const url = await service('postgres');
if (url)
  describeConformance('prisma (PostgreSQL through PrismaClient, mapped names)', async () => prismaHarness(url), {
    versionKinds: ['integer', 'timestamp'],
    plain: true,
  });
else
  describe.skip('conformance: prisma (PostgreSQL not available; see the warning above)', () =>
    it('runs the suite', () => {}));
