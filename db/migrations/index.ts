import type { Migration } from 'kysely';
import * as foundation from './2026-11-21-001-foundation';
import * as authorizations from './2026-11-21-002-authorizations';
import * as giftCoinsOnHold from './2026-11-22-001-gift-coins-on-hold';
import * as readOnlyKeys from './2026-11-22-002-read-only-keys-creator-origin';
import * as families from './2026-11-23-001-families';
import * as accountRules from './2026-11-26-001-account-rules';
import * as notifications from './2026-11-26-002-notifications';
import * as reauth from './2026-11-26-003-reauth';
import * as historyIndexes from './2026-11-26-004-history-indexes';
import * as giftCosts from './2026-11-26-005-gift-costs';
import * as budgetAlerts from './2026-11-26-006-budget-alerts';
import * as accountLocale from './2026-11-27-001-account-locale';
import * as unsettledIndex from './2026-11-27-002-unsettled-index';

// An explicit list rather than a folder read at run time: the same import works under
// Vite (the server bundle), tsx (the CLI) and Vitest. Keys sort in the order they apply.
export const migrations: Record<string, Migration> = {
	'2026-11-21-001-foundation': foundation,
	'2026-11-21-002-authorizations': authorizations,
	'2026-11-22-001-gift-coins-on-hold': giftCoinsOnHold,
	'2026-11-22-002-read-only-keys-creator-origin': readOnlyKeys,
	'2026-11-23-001-families': families,
	'2026-11-26-001-account-rules': accountRules,
	'2026-11-26-002-notifications': notifications,
	'2026-11-26-003-reauth': reauth,
	'2026-11-26-004-history-indexes': historyIndexes,
	'2026-11-26-005-gift-costs': giftCosts,
	'2026-11-26-006-budget-alerts': budgetAlerts,
	'2026-11-27-001-account-locale': accountLocale,
	'2026-11-27-002-unsettled-index': unsettledIndex
};
