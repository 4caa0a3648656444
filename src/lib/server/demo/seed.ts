import * as totals from '../ledger/totals';
import { seededRandom } from '../../random';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import * as passwords from '../auth/passwords';
import type {
	Channel,
	CoinPacksTable,
	CreatorsTable,
	DB,
	GiftsTable,
	NewLedgerEntry,
	Millis,
	NewAccount
} from '../db/schema';

// The demo household: an adult who gifts a lot, a parent and the parent's 15-year-old
// daughter. Everything below derives from one seeded PRNG and the start of the UTC day, so
// the same seed on the same day gives the same rows on SQLite and PostgreSQL alike.

export const DEMO_PASSWORD = 'coinguard-demo';

type Role = 'adult' | 'guardian' | 'minor';

export const DEMO_LOGINS: { role: Role; email: string; name: string }[] = [
	{ role: 'adult', email: 'alex@demo.coinguard.test', name: 'Alex Rivera' },
	{ role: 'guardian', email: 'sam@demo.coinguard.test', name: 'Sam Okafor' },
	{ role: 'minor', email: 'mia@demo.coinguard.test', name: 'Mia Okafor' }
];

const DAY = 24 * 60 * 60_000;
const MINUTE = 60_000;
const SECOND = 1000;
/** About six months of history before the start of today (UTC). */
const SPAN_DAYS = 183;
/** Rows per INSERT: 13 columns × 200 stays far below SQLite's and PostgreSQL's bind limits. */
const BATCH_ROWS = 200;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

class Random {
	private readonly next: () => number;

	constructor(seed: number) {
		this.next = seededRandom(seed);
	}

	float(): number {
		return this.next();
	}

	/** A whole number in [min, max], both ends included. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return at(items, this.int(0, items.length - 1));
	}

	/** An index into `weights`, each chosen in proportion to its weight. */
	weightedIndex(weights: readonly number[]): number {
		const total = weights.reduce((sum, w) => sum + w, 0);
		let target = this.next() * total;
		for (let i = 0; i < weights.length; i++) {
			target -= at(weights, i);
			if (target < 0) return i;
		}
		return weights.length - 1;
	}

	shuffle<T>(items: readonly T[]): T[] {
		const copy = [...items];
		for (let i = copy.length - 1; i > 0; i--) {
			const j = this.int(0, i);
			[copy[i], copy[j]] = [at(copy, j), at(copy, i)];
		}
		return copy;
	}

	/** Base32 of `bytes` PRNG bytes: the same shape as ids.ts tokens, but reproducible. */
	token(bytes: number): string {
		const buffer = new Uint8Array(bytes);
		for (let i = 0; i < bytes; i++) buffer[i] = Math.floor(this.next() * 256);
		return encodeBase32LowerCaseNoPadding(buffer);
	}

	/**
	 * An independent stream, so that changing how one account's history is drawn does not
	 * reshuffle every other account's.
	 */
	fork(): Random {
		return new Random(Math.floor(this.next() * 4_294_967_296));
	}
}

function at<T>(items: readonly T[], index: number): T {
	const item = items[index];
	if (item === undefined) throw new RangeError(`no item at index ${index}`);
	return item;
}

// ---------------------------------------------------------------------------------------------
// Catalogue

/**
 * Six tiers per currency, bigger packs cheaper per coin. USD follows the published $0.99 for
 * 65 to $99.99 for 6,607 coins; EUR carries VAT so costs more per coin; GBP uses the 70 /
 * 350 / 1,400-coin packs other guides list.
 */
const PACK_PRICES: Record<string, readonly (readonly [coins: number, priceMinor: number])[]> = {
	USD: [
		[65, 99],
		[330, 499],
		[660, 999],
		[1321, 1999],
		[3303, 4999],
		[6607, 9999]
	],
	EUR: [
		[65, 109],
		[330, 549],
		[660, 1099],
		[1321, 2199],
		[3303, 5499],
		[6607, 10999]
	],
	GBP: [
		[70, 99],
		[350, 499],
		[700, 999],
		[1400, 1999],
		[3500, 4999],
		[7000, 9999]
	]
};

const GIFTS: readonly GiftsTable[] = [
	{ id: 'gift_rose', name: 'Rose', coins: 1, emoji: '🌹' },
	{ id: 'gift_ice_cream', name: 'Ice Cream Cone', coins: 1, emoji: '🍦' },
	{ id: 'gift_panda', name: 'Panda', coins: 5, emoji: '🐼' },
	{ id: 'gift_finger_heart', name: 'Finger Heart', coins: 5, emoji: '🫰' },
	{ id: 'gift_doughnut', name: 'Doughnut', coins: 30, emoji: '🍩' },
	{ id: 'gift_hand_hearts', name: 'Hand Hearts', coins: 100, emoji: '🫶' },
	{ id: 'gift_sunglasses', name: 'Sunglasses', coins: 199, emoji: '🕶️' },
	{ id: 'gift_corgi', name: 'Corgi', coins: 299, emoji: '🐶' },
	{ id: 'gift_money_gun', name: 'Money Gun', coins: 500, emoji: '💸' },
	{ id: 'gift_galaxy', name: 'Galaxy', coins: 1000, emoji: '🌌' },
	{ id: 'gift_sports_car', name: 'Sports Car', coins: 2500, emoji: '🏎️' },
	{ id: 'gift_drama_queen', name: 'Drama Queen', coins: 5000, emoji: '👑' }
];

/** Gifts from 100 coins up: the ones fans save for their favourite creators. */
const BIG_GIFT_COINS = 100;

const CREATORS: readonly { handle: string; name: string }[] = [
	{ handle: 'lunabeats', name: 'Luna Beats' },
	{ handle: 'chef.tomas', name: 'Chef Tomás' },
	{ handle: 'kai.skates', name: 'Kai Nakamura' },
	{ handle: 'the_daily_dani', name: 'Dani Reyes' },
	{ handle: 'gamerjoon', name: 'Joon | Gaming' },
	{ handle: 'priya.paints', name: 'Priya Paints' },
	{ handle: 'nightowl.asmr', name: 'Night Owl ASMR' },
	{ handle: 'fitwithmarcus', name: 'Marcus Bell Fitness' },
	{ handle: 'nonna_rosa', name: 'Nonna Rosa' },
	{ handle: 'djkofi', name: 'DJ Kofi' },
	{ handle: 'sophie.sings', name: 'Sophie Laurent' },
	{ handle: 'mrwhiskers.cat', name: 'Mr Whiskers' },
	{ handle: 'liam.lifts', name: "Liam O'Brien" },
	{ handle: 'zara.makeup', name: 'Zara Khan Beauty' },
	{ handle: 'tinyhouse.ben', name: "Ben's Tiny House" },
	{ handle: 'ella_draws', name: 'Ella Draws' },
	{ handle: 'kenji.eats', name: 'Kenji Eats' },
	{ handle: 'violinvibes', name: 'Violin Vibes' },
	{ handle: 'mateo.magic', name: 'Mateo the Magician' },
	{ handle: 'comedy.jas', name: 'Jas Comedy' },
	{ handle: 'ruby.reads', name: 'Ruby Reads' },
	{ handle: 'coach.anna', name: 'Coach Anna' },
	{ handle: 'pixelpete99', name: 'Pixel Pete' },
	{ handle: 'aylin.dance', name: 'Aylin Demir' },
	{ handle: 'farmlife.noah', name: 'Noah on the Farm' }
];

// ---------------------------------------------------------------------------------------------
// Who does what

interface Route {
	channel: Exclude<Channel, 'third_party'>;
	method: string;
	weight: number;
}

interface Place {
	timeZone: string;
	currency: string;
	routes: readonly Route[];
	/** Chance of buying coins ahead as a live stream starts, whatever the balance. */
	topUpChance: number;
}

interface Persona {
	role: Role;
	home: Place;
	/** Age in whole years at the seed's day; the schema keeps only the birth year. */
	age: number;
	isMinor: boolean;
	/** The account was opened this many days before today, before its first entry. */
	createdDaysAgo: number;
	/** Gifting starts this many days back (the minor joined later). */
	activeDays: number;
	/** Chance of watching a live stream with gifts, by ISO weekday (Monday first). */
	sessionChance: readonly number[];
	giftsPerSession: readonly [min: number, max: number];
	/** Relative weight of each local hour 0–23 for a live-stream session. */
	hourWeights: readonly number[];
	/** Relative weight of each entry of GIFTS. */
	giftWeights: readonly number[];
	/** Relative weight of each pack tier when topping up. */
	packWeights: readonly number[];
	/** Zipf exponent over this account's ranking of creators. */
	zipf: number;
	/** A trip abroad, a few days long, somewhere back in the six months. */
	trip?: Place & {
		earliestDaysAgo: number;
		latestDaysAgo: number;
		days: readonly [number, number];
	};
}

const PERSONAS: readonly Persona[] = [
	{
		role: 'adult',
		home: {
			timeZone: 'America/New_York',
			currency: 'USD',
			routes: [
				{ channel: 'app', method: 'apple_pay', weight: 40 },
				{ channel: 'app', method: 'app_store_balance', weight: 14 },
				{ channel: 'app', method: 'card', weight: 12 },
				{ channel: 'app', method: 'carrier_billing', weight: 5 },
				{ channel: 'web', method: 'card', weight: 10 },
				{ channel: 'web', method: 'paypal', weight: 10 },
				{ channel: 'gift_card', method: 'app_store_balance', weight: 5 }
			],
			topUpChance: 0.03
		},
		age: 34,
		isMinor: false,
		createdDaysAgo: SPAN_DAYS + 48,
		activeDays: SPAN_DAYS,
		sessionChance: [0.32, 0.3, 0.32, 0.36, 0.55, 0.58, 0.42],
		giftsPerSession: [1, 9],
		// prettier-ignore
		hourWeights: [
			4, 2, 1, 0.3, 0.1, 0.1, // 00–05
			0.3, 1, 1, 0.3, 0.3, 0.5, // 06–11
			1.5, 1, 0.5, 0.5, 0.8, 1.5, // 12–17
			3, 5, 8, 10, 9, 7 // 18–23
		],
		giftWeights: [30, 10, 15, 12, 10, 8, 5, 4, 3, 1.5, 0.6, 0.3],
		packWeights: [10, 25, 30, 20, 8, 2],
		zipf: 1.5,
		trip: {
			timeZone: 'Europe/Lisbon',
			currency: 'EUR',
			routes: [
				{ channel: 'app', method: 'apple_pay', weight: 3 },
				{ channel: 'web', method: 'card', weight: 1 }
			],
			// On holiday, in the local currency: the demo's foreign-exchange purchases.
			topUpChance: 0.6,
			earliestDaysAgo: 130,
			latestDaysAgo: 40,
			days: [9, 14]
		}
	},
	{
		role: 'guardian',
		home: {
			timeZone: 'Europe/London',
			currency: 'GBP',
			routes: [
				{ channel: 'app', method: 'google_pay', weight: 45 },
				{ channel: 'app', method: 'card', weight: 20 },
				{ channel: 'app', method: 'carrier_billing', weight: 10 },
				{ channel: 'web', method: 'paypal', weight: 15 },
				{ channel: 'web', method: 'card', weight: 10 }
			],
			topUpChance: 0
		},
		age: 42,
		isMinor: false,
		createdDaysAgo: SPAN_DAYS + 20,
		activeDays: SPAN_DAYS,
		sessionChance: [0.09, 0.09, 0.09, 0.1, 0.16, 0.2, 0.14],
		giftsPerSession: [1, 6],
		// Mostly after the children are in bed.
		// prettier-ignore
		hourWeights: [
			1, 0.3, 0.1, 0, 0, 0, // 00–05
			0.2, 0.5, 0.3, 0.3, 0.3, 0.5, // 06–11
			1, 0.8, 0.3, 0.3, 0.3, 0.5, // 12–17
			1, 2, 4, 7, 8, 4 // 18–23
		],
		giftWeights: [30, 10, 18, 15, 12, 6, 3, 2, 1, 0.4, 0, 0],
		packWeights: [35, 45, 15, 5, 0, 0],
		zipf: 1.3
	},
	{
		role: 'minor',
		home: {
			timeZone: 'Europe/London',
			currency: 'GBP',
			// Gift cards from birthdays and pocket money, redeemed into the app-store balance.
			routes: [{ channel: 'gift_card', method: 'app_store_balance', weight: 1 }],
			topUpChance: 0
		},
		age: 15,
		isMinor: true,
		createdDaysAgo: 140,
		activeDays: 125,
		sessionChance: [0.1, 0.1, 0.1, 0.11, 0.16, 0.2, 0.16],
		giftsPerSession: [2, 6],
		// After school and in the evening, with the odd late night.
		// prettier-ignore
		hourWeights: [
			0.5, 0.2, 0, 0, 0, 0, // 00–05
			0, 0.2, 0.2, 0.1, 0.1, 0.2, // 06–11
			0.5, 0.3, 0.3, 1.5, 4, 5, // 12–17
			5, 6, 7, 6, 3, 1.5 // 18–23
		],
		giftWeights: [25, 10, 20, 15, 25, 5, 0.5, 0, 0, 0, 0, 0],
		packWeights: [55, 45, 0, 0, 0, 0],
		zipf: 1.2
	}
];

// ---------------------------------------------------------------------------------------------
// Generation

type Pack = CoinPacksTable;

interface Plan {
	accounts: NewAccount[];
	creators: CreatorsTable[];
	packs: Pack[];
	ledger: NewLedgerEntry[];
}

function packId(currency: string, coins: number): string {
	return `pack_${currency.toLowerCase()}_${coins}`;
}

function buildPacks(): Pack[] {
	return Object.entries(PACK_PRICES).flatMap(([currency, tiers]) =>
		tiers.map(([coins, price]) => ({
			id: packId(currency, coins),
			coins,
			price_amount: price,
			currency
		}))
	);
}

function packsIn(packs: readonly Pack[], currency: string): Pack[] {
	return packs.filter((p) => p.currency === currency).sort((a, b) => a.coins - b.coins);
}

/** Weights 1/rank^s: a handful of favourites get most of the attention. */
function zipfWeights(count: number, exponent: number): number[] {
	return Array.from({ length: count }, (_, rank) => 1 / (rank + 1) ** exponent);
}

interface Trip {
	place: Place;
	/** Days-ago bounds, inclusive: `from` is the larger (earlier) number. */
	from: number;
	to: number;
}

function planTrip(rng: Random, persona: Persona): Trip | null {
	const trip = persona.trip;
	if (!trip) return null;
	const from = rng.int(trip.latestDaysAgo, trip.earliestDaysAgo);
	return { place: trip, from, to: Math.max(0, from - rng.int(trip.days[0], trip.days[1]) + 1) };
}

interface Account {
	id: string;
	persona: Persona;
}

/**
 * One account's six months: live-stream sessions on some evenings, a few gifts each to one
 * creator, and a top-up the moment the balance runs short, as impulsive gifting goes.
 */
function simulate(
	rng: Random,
	account: Account,
	creatorIds: readonly string[],
	packs: readonly Pack[],
	today: Millis
): { ledger: NewLedgerEntry[]; balance: number } {
	const persona = account.persona;
	const ranking = rng.shuffle(creatorIds);
	const creatorWeights = zipfWeights(ranking.length, persona.zipf);
	const trip = planTrip(rng, persona);
	const ledger: NewLedgerEntry[] = [];
	let balance = 0;
	let cursor = today - SPAN_DAYS * DAY;
	let boughtAbroad = false;

	const recharge = (place: Place, shortfall: number, before: Millis) => {
		const pack = choosePack(rng, packsIn(packs, place.currency), persona.packWeights, shortfall);
		const route = at(place.routes, rng.weightedIndex(place.routes.map((r) => r.weight)));
		// A top-up seconds before the gift it pays for, but never before the previous entry.
		const occurredAt = Math.max(cursor + SECOND, before - rng.int(30, 150) * SECOND);
		ledger.push({
			id: `led_${rng.token(16)}`,
			account_id: account.id,
			kind: 'recharge',
			coins: pack.coins,
			price_amount: pack.price_amount,
			currency: pack.currency,
			creator_id: null,
			gift_id: null,
			pack_id: pack.id,
			channel: route.channel,
			payment_method: route.method,
			authorization_id: null,
			occurred_at: occurredAt
		});
		balance += pack.coins;
		cursor = occurredAt;
	};

	for (let daysAgo = persona.activeDays; daysAgo >= 0; daysAgo--) {
		const place = trip && daysAgo <= trip.from && daysAgo >= trip.to ? trip.place : persona.home;
		const day = DateTime.fromMillis(today, { zone: place.timeZone })
			.startOf('day')
			.minus({ days: daysAgo });
		for (const start of sessionStarts(rng, persona, day)) {
			const creatorRank = rng.weightedIndex(creatorWeights);
			const creatorId = at(ranking, creatorRank);
			const giftWeights = favouriteWeights(persona.giftWeights, creatorRank);
			const count = rng.int(persona.giftsPerSession[0], persona.giftsPerSession[1]);
			let time = Math.max(start, cursor + 5 * MINUTE);
			const abroad = place !== persona.home;
			// The first live abroad always starts with a purchase, so every trip shows one.
			if (time < today && ((abroad && !boughtAbroad) || rng.chance(place.topUpChance))) {
				recharge(place, 0, time);
				boughtAbroad ||= abroad;
			}
			let previous: GiftsTable | null = null;
			for (let i = 0; i < count; i++) {
				if (i > 0) time += gapBetweenGifts(rng);
				// Nothing in the future of the seed's day: the history ends where today starts.
				if (time >= today) break;
				// Fans often tap the same gift again and again.
				const gift: GiftsTable =
					previous && rng.chance(0.35) ? previous : at(GIFTS, rng.weightedIndex(giftWeights));
				while (balance < gift.coins) recharge(place, gift.coins - balance, time);
				time = Math.max(time, cursor + SECOND);
				ledger.push({
					id: `led_${rng.token(16)}`,
					account_id: account.id,
					kind: 'gift',
					coins: -gift.coins,
					price_amount: null,
					currency: null,
					creator_id: creatorId,
					gift_id: gift.id,
					pack_id: null,
					channel: 'app',
					payment_method: null,
					authorization_id: null,
					occurred_at: time
				});
				balance -= gift.coins;
				cursor = time;
				previous = gift;
			}
		}
	}
	return { ledger, balance };
}

/** Zero, one or (rarely) two session start times on a local day, in order. */
function sessionStarts(rng: Random, persona: Persona, day: DateTime): Millis[] {
	const chance = at(persona.sessionChance, day.weekday - 1);
	if (!rng.chance(chance)) return [];
	const count = rng.chance(chance / 3) ? 2 : 1;
	const starts: Millis[] = [];
	for (let i = 0; i < count; i++) {
		const hour = rng.weightedIndex(persona.hourWeights);
		starts.push(day.set({ hour, minute: rng.int(0, 59), second: rng.int(0, 59) }).toMillis());
	}
	return starts.sort((a, b) => a - b);
}

/** Seconds to a few minutes, mostly short: gifts come in bursts during a live. */
function gapBetweenGifts(rng: Random): number {
	return Math.round(10 + rng.float() ** 2 * 290) * SECOND;
}

/** Fans send their favourite three creators the big gifts twice as often. */
function favouriteWeights(weights: readonly number[], creatorRank: number): readonly number[] {
	if (creatorRank >= 3) return weights;
	return weights.map((w, i) => (at(GIFTS, i).coins >= BIG_GIFT_COINS ? w * 2 : w));
}

/** The persona's usual pack, or the smallest that covers the gift when that is not enough. */
function choosePack(
	rng: Random,
	packs: readonly Pack[],
	weights: readonly number[],
	shortfall: number
): Pack {
	const usual = at(packs, rng.weightedIndex(weights));
	if (usual.coins >= shortfall) return usual;
	return packs.find((p) => p.coins >= shortfall) ?? at(packs, packs.length - 1);
}

/** Each creator was first seen some hours to weeks before anyone gifted them, or at random. */
function firstSeen(
	rng: Random,
	creatorIds: readonly string[],
	ledger: readonly NewLedgerEntry[],
	today: Millis
): Map<string, Millis> {
	const firstGift = new Map<string, Millis>();
	for (const entry of ledger) {
		if (!entry.creator_id) continue;
		const known = firstGift.get(entry.creator_id);
		if (known === undefined || entry.occurred_at < known) {
			firstGift.set(entry.creator_id, entry.occurred_at);
		}
	}
	const seen = new Map<string, Millis>();
	for (const id of creatorIds) {
		const gifted = firstGift.get(id);
		const lead = rng.int(1, 21 * 24) * 60 * MINUTE;
		seen.set(id, gifted === undefined ? today - rng.int(1, SPAN_DAYS + 60) * DAY : gifted - lead);
	}
	return seen;
}

function plan(seedValue: number, now: Millis, passwordHash: string): Plan {
	const root = new Random(Math.floor(seedValue));
	const today = Math.floor(now / DAY) * DAY;
	const year = new Date(today).getUTCFullYear();

	const accounts: Account[] = PERSONAS.map((persona) => ({
		id: `acct_${root.token(16)}`,
		persona
	}));
	const creatorIds = CREATORS.map(() => `cr_${root.token(16)}`);
	const packs = buildPacks();

	const ledger: NewLedgerEntry[] = [];
	const accountRows: NewAccount[] = [];
	for (const account of accounts) {
		const rng = root.fork();
		const result = simulate(rng, account, creatorIds, packs, today);
		ledger.push(...result.ledger);
		const persona = account.persona;
		const login = loginFor(persona.role);
		accountRows.push({
			id: account.id,
			email: login.email,
			password_hash: passwordHash,
			display_name: login.name,
			time_zone: persona.home.timeZone,
			currency: persona.home.currency,
			birth_year: year - persona.age,
			is_minor: persona.isMinor ? 1 : 0,
			coin_balance: result.balance,
			created_at: today - persona.createdDaysAgo * DAY + rng.int(8 * 60, 22 * 60) * MINUTE
		});
	}
	// Time order across accounts: the order a real ledger would have been written in.
	ledger.sort((a, b) => a.occurred_at - b.occurred_at || (a.id < b.id ? -1 : 1));

	const seen = firstSeen(root.fork(), creatorIds, ledger, today);
	const creators = CREATORS.map((creator, i) => {
		const id = at(creatorIds, i);
		return {
			id,
			handle: creator.handle,
			display_name: creator.name,
			first_seen_at: seen.get(id) ?? today,
			created_by_api_key_id: null
		};
	});
	return { accounts: accountRows, creators, packs, ledger };
}

function loginFor(role: Role): { role: Role; email: string; name: string } {
	const login = DEMO_LOGINS.find((l) => l.role === role);
	if (!login) throw new Error(`no demo login for ${role}`);
	return login;
}

function batches<T>(rows: readonly T[], size: number): T[][] {
	const result: T[][] = [];
	for (let i = 0; i < rows.length; i += size) result.push(rows.slice(i, i + size));
	return result;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Adds the demo household, creators, catalogue and six months of history, all or nothing.
 * Meant for an empty database: the accounts' e-mail addresses are unique, so a second run
 * fails and rolls back.
 */
export async function seed(
	db: Kysely<DB>,
	options: { seed?: number; now?: number } = {}
): Promise<void> {
	// Hashed once, outside the transaction: argon2 is deliberately slow.
	const passwordHash = await passwords.hash(DEMO_PASSWORD);
	const data = plan(options.seed ?? 42, options.now ?? Date.now(), passwordHash);

	await db.transaction().execute(async (trx) => {
		await trx.insertInto('accounts').values(data.accounts).execute();
		await trx.insertInto('creators').values(data.creators).execute();
		// The catalogue may already be there (another seed, a fixture): keep what exists.
		await trx
			.insertInto('coin_packs')
			.values(data.packs)
			.onConflict((oc) => oc.doNothing())
			.execute();
		await trx
			.insertInto('gifts')
			.values([...GIFTS])
			.onConflict((oc) => oc.doNothing())
			.execute();
		for (const batch of batches(data.ledger, BATCH_ROWS)) {
			await trx.insertInto('ledger_entries').values(batch).execute();
		}
		// The history counts against budgets like any captured purchase.
		for (const account of data.accounts) await totals.rebuild(trx, account.id);
	});
}

/** Whether the demo adult's account exists, e.g. to skip seeding a database twice. */
export async function isPresent(db: Kysely<DB>): Promise<boolean> {
	const row = await db
		.selectFrom('accounts')
		.select('id')
		.where('email', '=', loginFor('adult').email)
		.executeTakeFirst();
	return row !== undefined;
}

/** The demo logins as a block of text for a terminal or a README. */
export function describeLogins(): string {
	const lines = DEMO_LOGINS.map(
		(login) => `  ${login.role.padEnd(9)} ${login.email.padEnd(26)} ${login.name}`
	);
	return [`Demo logins (password: ${DEMO_PASSWORD}):`, ...lines].join('\n');
}
