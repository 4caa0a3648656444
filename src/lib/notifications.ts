import { formatCoins, formatMoney } from './money';
import type { NoticeData, Purchase } from './schemas/notifications';
import type { Channel } from './schemas/purchase';
import type { LimitTerms } from './schemas/reasons';

// The one place where a notice becomes words: the bell, the notifications page and the
// e-mails all ask here, and everything else passes notices as data. The sentences are English
// with en-US numbers for every reader, whatever the account's locale: they are the API's and
// the e-mails' words too, and one sentence should not read "1,234" in one place and "1.234" in
// another.

const coins = (n: number) => `${formatCoins(n, 'en-US')} ${n === 1 ? 'coin' : 'coins'}`;

const channelWords: Record<Channel, string> = {
	app: 'in the app',
	web: 'on the web',
	gift_card: 'with a gift card',
	third_party: 'from a third-party seller'
};

/** "700 coins for $9.99" or "a gift of 50 coins to Mia". */
export function purchaseWords(purchase: Purchase): string {
	if (purchase.kind === 'gift') {
		const to = purchase.creatorName ? ` to ${purchase.creatorName}` : '';
		return `a gift of ${coins(purchase.coins)}${to}`;
	}
	const price = purchase.price
		? ` for ${formatMoney(purchase.price.amount, purchase.price.currency, 'en-US')}`
		: '';
	return `${coins(purchase.coins)}${price}`;
}

const periodWords: Record<LimitTerms['period'], string> = {
	purchase: 'per purchase',
	day: 'a day',
	week: 'a week',
	month: 'a month'
};

function capWords(limit: LimitTerms): string {
	const amount =
		limit.metric === 'money' && limit.currency
			? formatMoney(limit.amount, limit.currency, 'en-US')
			: coins(limit.amount);
	const what = limit.appliesTo === 'recharge' ? 'bought' : 'given in gifts';
	const money = limit.metric === 'money' ? ' spent on coins' : ` ${what}`;
	return `the cap of ${amount}${money} ${periodWords[limit.period]}`;
}

/** One sentence for a notice, as its recipient reads it. */
export function sentence(notice: NoticeData): string {
	switch (notice.kind) {
		case 'approval_requested':
			return `${notice.minor.name} asks to buy ${purchaseWords(notice.purchase)} ${channelWords[notice.purchase.channel]}.`;
		case 'approval_decided': {
			const verb = notice.status === 'approved' ? 'approved' : 'denied';
			const note = notice.note ? ` Note: “${notice.note}”` : '';
			const who = notice.own ? 'You' : notice.decidedBy.name;
			return `${who} ${verb} ${notice.minor.name}'s request for ${purchaseWords(notice.purchase)}.${note}`;
		}
		case 'approval_expired':
			return `Nobody answered ${notice.minor.name}'s request for ${purchaseWords(notice.purchase)} in time, so it expired.`;
		case 'cap_reached':
			if (notice.own) {
				return notice.threshold >= 100
					? `You have reached ${capWords(notice.limit)}.`
					: `You have used ${notice.threshold} % of ${capWords(notice.limit)}.`;
			}
			return notice.threshold >= 100
				? `${notice.minor.name} has reached ${capWords(notice.limit)}.`
				: `${notice.minor.name} has used ${notice.threshold} % of ${capWords(notice.limit)}.`;
		case 'channel_declined': {
			const why =
				notice.code === 'purchases_blocked'
					? 'purchases are blocked for their account'
					: `buying ${channelWords[notice.purchase.channel]} is not allowed for them`;
			return `${notice.minor.name} tried to buy ${purchaseWords(notice.purchase)}; it was declined because ${why}.`;
		}
		case 'member_removed': {
			const who = notice.role === 'minor' ? 'the child' : 'the guardian';
			return `${notice.by.name} removed ${who} ${notice.member.name} from ${notice.family}.`;
		}
	}
}

/** A short title: the e-mail's subject line. */
export function title(notice: NoticeData): string {
	switch (notice.kind) {
		case 'approval_requested':
			return `${notice.minor.name} asks for your approval`;
		case 'approval_decided':
			return `${notice.minor.name}'s request was ${notice.status}`;
		case 'approval_expired':
			return `${notice.minor.name}'s request expired`;
		case 'cap_reached':
			if (notice.own) return `You reached ${notice.threshold} % of your budget`;
			return `${notice.minor.name} reached ${notice.threshold} % of a cap`;
		case 'channel_declined':
			return `A purchase by ${notice.minor.name} was declined`;
		case 'member_removed':
			return `${notice.member.name} was removed from ${notice.family}`;
	}
}

/** Where the notice is dealt with: the page a click on it opens. */
export function link(notice: NoticeData): string {
	if (notice.kind === 'member_removed') return '/family/audit';
	if (notice.kind === 'cap_reached' && notice.own) return '/budgets';
	return notice.kind === 'cap_reached' || notice.kind === 'channel_declined'
		? '/family'
		: '/approvals';
}
