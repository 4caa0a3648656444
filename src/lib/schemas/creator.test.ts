import { describe, expect, it } from 'vitest';
import { authorizeInput } from './purchase';
import { limitInput } from './limits';
import { normalizeCreatorId } from './creator';

describe('creator ids', () => {
	it.each([
		[' cr_abc ', 'cr_abc'],
		['CR_ABC', 'cr_abc'],
		['@LunaBeats', '@lunabeats'],
		[' @chef.Tomas ', '@chef.tomas'],
		// Not handle-like: kept as given, only trimmed.
		['Luna Beats ', 'Luna Beats'],
		["<b>'X'</b>", "<b>'X'</b>"]
	])('normalizes %j to %j', (spelling, normalized) => {
		expect(normalizeCreatorId(spelling)).toBe(normalized);
	});

	it('is applied alike to purchases and to limits', () => {
		const gift = authorizeInput.parse({
			idempotencyKey: 'k',
			accountId: 'a',
			kind: 'gift',
			coins: 1,
			creatorId: ' @LunaBeats'
		});
		const limit = limitInput.parse({
			appliesTo: 'gift',
			metric: 'coins',
			period: 'day',
			amount: 10,
			creatorId: '@LUNABEATS '
		});
		expect(gift.creatorId).toBe('@lunabeats');
		expect(limit.creatorId).toBe(gift.creatorId);
	});

	it('refuses an empty id, or a lone @', () => {
		for (const creatorId of ['', '  ', '@']) {
			const parsed = authorizeInput.safeParse({
				idempotencyKey: 'k',
				accountId: 'a',
				kind: 'gift',
				coins: 1,
				creatorId
			});
			expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
				'creatorId',
				'creatorId must not be empty.'
			]);
		}
	});
});
