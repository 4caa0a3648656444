import { existsSync } from 'node:fs';

// What the suite can reach on this machine, and whether a missing part is a skip or a failure.
export const postgresUrl = process.env.TEST_DATABASE_URL || null;
export const requirePostgres = process.env.REQUIRE_POSTGRES === '1';

export const chromiumPath =
	[process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find(
		(path): path is string => !!path && existsSync(path)
	) ?? null;
export const requireE2E = process.env.REQUIRE_E2E === '1';

export const dialectNames = postgresUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
export type DialectName = 'sqlite' | 'postgres';
