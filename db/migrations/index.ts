import type { Migration } from 'kysely';
import * as foundation from './2026-11-21-001-foundation';
import * as authorizations from './2026-11-21-002-authorizations';

// An explicit list rather than a folder read at run time: the same import works under
// Vite (the server bundle), tsx (the CLI) and Vitest. Keys sort in the order they apply.
export const migrations: Record<string, Migration> = {
	'2026-11-21-001-foundation': foundation,
	'2026-11-21-002-authorizations': authorizations
};
