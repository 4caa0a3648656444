import type { Channel } from '$lib/schemas/purchase';
import { CHANNEL_NAMES, clockTime, type QuietHours } from '$lib/schemas/rules';
import { formatter } from '$lib/format';
import type { AuditAction, PageEntry } from './audit';

// The audit log in words. Any action renders: its label from LABELS (one entry per action, the
// type makes sure none is missing) and its before/after as labelled fields, so a new action
// with a new shape needs only its label here.

export const LABELS: Record<AuditAction, string> = {
	'family.created': 'Created the family',
	'member.joined': 'Joined the family with a code',
	'member.added': 'Added to the family',
	'minor.created': "Created a child's account",
	'minor.removed': 'Removed a child from the family',
	'guardian.removed': 'Removed a guardian from the family',
	'approval.approved': 'Approved a purchase',
	'approval.denied': 'Denied a purchase',
	'family.approval_wait_changed': 'Changed how long requests wait',
	'rules.changed': "Changed a child's rules",
	'standing.added': 'Gave a standing approval',
	'standing.ended': 'Ended a standing approval',
	'limit.added': 'Added a limit',
	'limit.changed': 'Changed a limit',
	'limit.raise_scheduled': 'Scheduled a raise of a limit',
	'limit.removed': 'Removed a limit',
	'limit.change_cancelled': 'Cancelled a waiting raise or removal of a limit',
	'session.logged_out': 'Logged out',
	'session.ended': 'Ended a session on another device',
	'sessions.revoked': 'Logged out every other device (password changed)'
};

/** Field names in the stored JSON, in words; a name missing here is spelt out from its case. */
const FIELD_LABELS: Record<string, string> = {
	limit: 'Limit',
	setBy: 'Set by',
	effectiveAt: 'In force from',
	endsAt: 'Ends',
	role: 'Role',
	status: 'Status',
	note: 'Note',
	name: 'Name',
	displayName: 'Name',
	birthYear: 'Birth year',
	approvalTtlSeconds: 'Requests wait',
	device: 'Device',
	sessions: 'Sessions',
	reason: 'Why',
	purchasesBlocked: 'All purchases blocked',
	giftingAllowed: 'Gifts allowed',
	channels: 'May buy through',
	quietHours: 'Quiet hours',
	asks: 'Waits for a guardian',
	appliesTo: 'For',
	creators: 'Creators'
};

const VALUE_WORDS: Record<string, Record<string, string>> = {
	role: { guardian: 'guardian', minor: 'child' },
	setBy: { self: 'the account itself', guardian: 'a guardian', operator: 'Coinguard' }
};

export interface Field {
	label: string;
	value: string;
}

export interface Entry {
	id: string;
	at: number;
	who: string;
	what: string;
	/** Whom the change is about, when that is a person other than who made it. */
	whom: string | null;
	before: Field[];
	after: Field[];
}

/** "approval_wait_changed" or "approvalTtl" → "Approval wait changed", "Approval ttl". */
function spelt(name: string): string {
	const words = name
		.replace(/[._]/g, ' ')
		.replace(/([a-z])([A-Z])/g, '$1 $2')
		.toLowerCase()
		.trim();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

export function label(action: string): string {
	return (LABELS as Record<string, string>)[action] ?? spelt(action);
}

/** How a reader writes the numbers and times in an entry: their locale, in their time zone. */
interface Writing {
	at(ms: number): string;
	number(n: number): string;
}

function valueOf(key: string, value: unknown, write: Writing): string {
	if (value === null || value === undefined) {
		if (key === 'creators') return 'any creator';
		return key === 'approvalTtlSeconds' ? 'the default' : 'none';
	}
	if (key === 'quietHours' && typeof value === 'object' && 'start' in value && 'end' in value) {
		const { start, end } = value as QuietHours;
		return `${clockTime(start)} to ${clockTime(end)}`;
	}
	if (key === 'channels' && typeof value === 'string' && value in CHANNEL_NAMES) {
		return CHANNEL_NAMES[value as Channel];
	}
	if (key === 'approvalTtlSeconds' && typeof value === 'number') {
		return `${write.number(value / 3600)} hours`;
	}
	if (key.endsWith('At') && typeof value === 'number') return write.at(value);
	if (typeof value === 'string') return VALUE_WORDS[key]?.[value] ?? value;
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (typeof value === 'number') return write.number(value);
	if (Array.isArray(value)) return value.map((v) => valueOf(key, v, write)).join(', ') || 'none';
	return Object.entries(value as Record<string, unknown>)
		.map(([k, v]) => `${FIELD_LABELS[k] ?? spelt(k)}: ${valueOf(k, v, write)}`)
		.join('; ');
}

/** A stored before/after as labelled fields; ids are left out (they mean nothing to a person). */
export function fields(json: string | null, write: Writing): Field[] {
	if (json === null) return [];
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		return [{ label: 'Value', value: json }];
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return [{ label: 'Value', value: valueOf('value', value, write) }];
	}
	return Object.entries(value as Record<string, unknown>)
		.filter(([key]) => !/Id$/.test(key))
		.map(([key, v]) => ({ label: FIELD_LABELS[key] ?? spelt(key), value: valueOf(key, v, write) }));
}

/** One log entry for the page, with numbers and times as the viewer reads them. */
export function entry(row: PageEntry, viewer: { locale: string; timeZone: string }): Entry {
	const format = formatter(viewer.locale);
	const write: Writing = {
		at: (ms) =>
			format.date(ms, { dateStyle: 'medium', timeStyle: 'short', timeZone: viewer.timeZone }),
		number: format.number
	};
	const who =
		row.actor_id === null ? 'Coinguard (operator)' : (row.actor_name ?? 'A deleted account');
	return {
		id: row.id,
		at: row.at,
		who,
		what: label(row.action),
		whom: row.subject_name && row.subject_id !== row.actor_id ? row.subject_name : null,
		before: fields(row.before, write),
		after: fields(row.after, write)
	};
}
