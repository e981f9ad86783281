import { inject } from 'vitest';
import { prismaHarness } from '../prisma/prisma-harness.js';
import { describeConformance } from './suite.js';

describeConformance('prisma (PostgreSQL through PrismaClient, mapped names)', async () => prismaHarness(inject('POSTGRES_URL')));
