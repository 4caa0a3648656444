import type { PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as accounts from '$lib/server/accounts';
import * as history from '$lib/server/reports/history';
import { windowOf } from '$lib/server/policy/periods';

export const load = (async ({ locals }) => {
	const user = locals.user!;
	const { db } = appDatabase();
	const month = windowOf('month', user.timeZone, Date.now());
	const [account, latest, thisMonth] = await Promise.all([
		accounts.get(db, user.id),
		history.page(db, user.id, { limit: 10 }),
		history.summary(db, user.id, month.start, month.end)
	]);
	return {
		balance: account?.coin_balance ?? 0,
		latest: latest.rows,
		thisMonth,
		monthStart: month.start
	};
}) satisfies PageServerLoad;
