import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import * as apiKeys from '../auth/api-keys';
import * as shopKey from './key';

const DAY = 24 * 60 * 60_000;

describeEachDatabase('built-in shop key', (ctx) => {
	it('makes one operator key per process, on first use', async () => {
		const { db } = ctx.database;
		const [a, b] = await Promise.all([shopKey.get(db), shopKey.get(db)]);
		expect(a).toBe(b);
		const found = await apiKeys.authenticate(db, a);
		expect(found?.account_id).toBeNull();
		expect(found?.name).toMatch(new RegExp(`^built-in shop \\(pid ${process.pid}, \\d{4}-`));

		await shopKey.forget(a);
		const fresh = await shopKey.get(db);
		expect(fresh).not.toBe(a);
		await shopKey.forget(fresh); // the next suite (dialect) starts from nothing
	});

	it('revokes only built-in keys that have been idle for a day', async () => {
		const { db } = ctx.database;
		const now = Date.now();
		const old = await apiKeys.create(
			db,
			'built-in shop (pid 1, 2020-01-01T00:00:00.000Z)',
			{},
			now - 2 * DAY
		);
		const recent = await apiKeys.create(
			db,
			'built-in shop (pid 2, 2020-01-01T00:00:00.000Z)',
			{},
			now - 2 * DAY
		);
		await db
			.updateTable('api_keys')
			.set({ last_used_at: now - 60_000 })
			.where('id', '=', recent.id)
			.execute();
		const operator = await apiKeys.create(db, 'recharge service', {}, now - 2 * DAY);

		expect(await shopKey.revokeStale(db, now)).toBeGreaterThanOrEqual(1);
		expect(await apiKeys.authenticate(db, old.key)).toBeNull();
		expect(await apiKeys.authenticate(db, recent.key)).not.toBeNull();
		expect(await apiKeys.authenticate(db, operator.key)).not.toBeNull();
		expect(await shopKey.revokeStale(db, now)).toBe(0);
	});
});
