import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/databases';
import { dialectNames } from '../../../../tests/support/environment';
import type { Database } from '../db';
import * as access from '../access';
import * as approvals from '../approvals';
import * as family from '../family';
import { seedFamily } from './family';
import { DEMO_LOGINS, seed } from './seed';

const NOW = Date.parse('2026-11-26T18:00:00Z');

describe.each(dialectNames)('the demo family [%s]', (dialect) => {
	let test: TestDatabase;
	let database: Database;
	const idOf = async (role: 'guardian' | 'minor') =>
		(
			await database.db
				.selectFrom('accounts')
				.select('id')
				.where('email', '=', DEMO_LOGINS.find((l) => l.role === role)!.email)
				.executeTakeFirstOrThrow()
		).id;

	beforeAll(async () => {
		test = await createTestDatabase(dialect);
		database = await test.open();
		await seed(database.db, { seed: 42, now: NOW });
		expect(await seedFamily(database, NOW)).toBe(true);
	});
	afterAll(async () => {
		await test?.drop();
	});

	it('puts Sam and Mia in one family, with safe defaults, gifts asked, and a standing approval', async () => {
		const [sam, mia] = await Promise.all([idOf('guardian'), idOf('minor')]);
		const guardian = await access.userActor(database.db, { id: sam, isMinor: false });
		expect(guardian.family?.role).toBe('guardian');
		const controls = await family.controls.view(database.db, guardian, mia, NOW);
		expect(controls.rules).toMatchObject({ giftingAllowed: true, channels: ['app', 'web'] });
		expect(controls.asks).toEqual({ recharge: true, gift: true });
		expect(controls.standing).toHaveLength(1);
		expect(controls.standing[0]!.creator_ids!.split(',')).toHaveLength(2);
	});

	it('has requests Sam answered, one the standing approval let through, and one waiting now', async () => {
		const mia = await idOf('minor');
		const requests = await database.db
			.selectFrom('approval_requests')
			.select(['status', 'decided_by', 'note'])
			.where('account_id', '=', mia)
			.orderBy('created_at')
			.execute();
		expect(requests.map((r) => r.status)).toEqual(['approved', 'denied', 'pending']);
		const guardian = await access.userActor(database.db, {
			id: await idOf('guardian'),
			isMinor: false
		});
		const pending = await approvals.pending(database.db, guardian, NOW);
		expect(pending).toHaveLength(1);
		const standingGifts = await database.db
			.selectFrom('authorizations')
			.select(['status'])
			.where('account_id', '=', mia)
			.where('standing_approval_id', 'is not', null)
			.execute();
		expect(standingGifts).toEqual([{ status: 'captured' }]);
		const log = await family.audit.list(database.db, guardian.family!.id);
		expect(log.map((e) => e.action)).toEqual(
			expect.arrayContaining([
				'family.created',
				'rules.changed',
				'standing.added',
				'approval.approved',
				'approval.denied'
			])
		);
		// Once only.
		expect(await seedFamily(database, NOW)).toBe(false);
	});
});
