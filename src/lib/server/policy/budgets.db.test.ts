import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as accounts from '../accounts';
import type { LimitSetter } from '../db/schema';
import * as budgets from './budgets';
import * as limits from './limits';

const monthlyCoins = {
	appliesTo: 'recharge',
	metric: 'coins',
	period: 'month',
	amount: 5000,
	currency: null,
	creatorId: null,
	action: 'block'
} as const;

describeEachDatabase('budgets', (ctx) => {
	async function limitSetBy(role: LimitSetter) {
		const { db } = ctx.database;
		const account = await accounts.create(db, {
			email: `budget-${role}-${Math.random().toString(36).slice(2)}@example.com`,
			displayName: 'Budgeter',
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'EUR'
		});
		const limit = await limits.add(db, account.id, monthlyCoins, { role, accountId: null }, 0);
		return { account, limit };
	}

	it.each([
		['operator', 'This limit was set by Coinguard; only Coinguard can change it.'],
		['guardian', 'This limit was set by a guardian; only a guardian can change it.']
	] as const)(
		'refuses to remove or change a limit set by the %s, naming who set it',
		async (role, message) => {
			const { db } = ctx.database;
			const { account, limit } = await limitSetBy(role);
			await expect(budgets.remove(db, account.id, limit.id, 1_000)).rejects.toThrow(message);
			await expect(
				budgets.change(db, account, limit.id, { ...monthlyCoins, amount: 9000 }, 1_000)
			).rejects.toThrow(message);
			expect((await limits.get(db, account.id, limit.id))?.ends_at).toBeNull();
		}
	);
});
