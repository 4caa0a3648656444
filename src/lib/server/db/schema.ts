import type { Generated, Insertable, Selectable } from 'kysely';
import type { FamilyRole } from '$lib/schemas/family';
import type { EmailStatus, NotificationKind } from '$lib/schemas/notifications';
import type { ApprovalStatus } from '$lib/schemas/approvals';
import type {
	CalendarPeriod,
	LimitAction,
	LimitMetric,
	LimitPeriod,
	LimitSetter
} from '$lib/schemas/limits';
import type { AuthorizationStatus, Channel, Decision, PurchaseKind } from '$lib/schemas/purchase';

// The value lists live in $lib/schemas, one `as const` array each; these types follow them.
export type {
	ApprovalStatus,
	AuthorizationStatus,
	Channel,
	Decision,
	LimitAction,
	LimitMetric,
	LimitPeriod,
	LimitSetter,
	PurchaseKind
};

/** Epoch milliseconds, UTC. */
export type Millis = number;

export interface AccountsTable {
	id: string;
	email: string;
	password_hash: string;
	display_name: string;
	time_zone: string;
	currency: string;
	birth_year: number | null;
	is_minor: Generated<number>;
	coin_balance: Generated<number>;
	/** Coins of the account's gifts held or waiting for a guardian: not spendable again. */
	gift_coins_on_hold: Generated<number>;
	created_at: Millis;
	/** Gifts above this many coins ask for a confirmation first; null: never. */
	gift_confirm_over: number | null;
	/** Language and number format of the account's pages (BCP 47, such as de-DE). */
	locale: Generated<string>;
}

export interface SessionsTable {
	id: string;
	secret_hash: string;
	account_id: string;
	created_at: Millis;
	expires_at: Millis;
	last_used_at: Millis;
	user_agent: string | null;
	ip: string | null;
	/** When the owner last typed their password: at log-in, or to confirm a sensitive change. */
	password_at: Millis | null;
}

export interface ApiKeysTable {
	id: string;
	name: string;
	key_hash: string;
	key_prefix: string;
	scopes: string;
	created_at: Millis;
	last_used_at: Millis | null;
	revoked_at: Millis | null;
	account_id: string | null;
}

export interface CreatorsTable {
	id: string;
	handle: string | null;
	display_name: string;
	first_seen_at: Millis;
	/** The API key whose purchase first named this creator (null for the catalogue's). */
	created_by_api_key_id: string | null;
}

export interface CoinPacksTable {
	id: string;
	coins: number;
	price_amount: number;
	currency: string;
}

export interface GiftsTable {
	id: string;
	name: string;
	coins: number;
	emoji: string;
}

export type LedgerKind = PurchaseKind;

export interface LedgerEntriesTable {
	id: string;
	account_id: string;
	kind: LedgerKind;
	coins: number;
	price_amount: number | null;
	currency: string | null;
	creator_id: string | null;
	gift_id: string | null;
	pack_id: string | null;
	channel: Channel;
	payment_method: string | null;
	authorization_id: string | null;
	occurred_at: Millis;
	/** Imported history: `id:<source transaction id>` or `hash:<content hash>`; null otherwise. */
	source_ref: Generated<string | null>;
}

export interface LoginThrottlesTable {
	key: string;
	failures: number;
	window_started_at: Millis;
	locked_until: Millis;
}

export interface LimitsTable {
	id: string;
	account_id: string;
	set_by: LimitSetter;
	set_by_account_id: string | null;
	applies_to: PurchaseKind;
	metric: LimitMetric;
	period: LimitPeriod;
	amount: number;
	currency: string | null;
	creator_id: string | null;
	action: LimitAction;
	created_at: Millis;
	effective_at: Millis;
	ends_at: Millis | null;
	/** The shares (per cent, ascending, comma-separated) that alert the holder once a period. */
	alert_thresholds: Generated<string>;
	/** Unspent budget carried to the next period: at most this % of the limit, and/or this amount. */
	rollover_percent: number | null;
	rollover_amount: number | null;
	/** The limit this one replaces once it takes effect (a scheduled raise), so it can be cancelled. */
	replaces_id: string | null;
}

export interface AuthorizationsTable {
	id: string;
	account_id: string;
	api_key_id: string;
	idempotency_key: string;
	fingerprint: string;
	kind: PurchaseKind;
	coins: number;
	price_amount: number | null;
	currency: string | null;
	creator_id: string | null;
	package_id: string | null;
	channel: Channel;
	payment_method: string | null;
	status: AuthorizationStatus;
	decision: Decision;
	reasons: string;
	response: string;
	day_key: string;
	week_key: string;
	month_key: string;
	created_at: Millis;
	expires_at: Millis | null;
	settled_at: Millis | null;
	/** The standing approval the purchase passed under; it counts against it. */
	standing_approval_id: string | null;
}

/** Rules that are not amounts per period; an account without a row has none (NO_RULES). */
export interface AccountRulesTable {
	account_id: string;
	purchases_blocked: number;
	gifting_allowed: number;
	/** Allowed channels, comma-separated. */
	channels: string;
	quiet_start: number | null;
	quiet_end: number | null;
	updated_at: Millis;
	updated_by: string | null;
}

export interface StandingApprovalsTable {
	id: string;
	account_id: string;
	applies_to: PurchaseKind;
	period: CalendarPeriod;
	coins: number;
	/** Creator ids, comma-separated; null for any creator. */
	creator_ids: string | null;
	created_by: string | null;
	created_at: Millis;
	ended_at: Millis | null;
}

export interface ApprovalRequestsTable {
	id: string;
	authorization_id: string;
	account_id: string;
	status: ApprovalStatus;
	created_at: Millis;
	expires_at: Millis;
	decided_by: string | null;
	decided_at: Millis | null;
	note: string | null;
}

export interface PeriodTotalsTable {
	account_id: string;
	kind: PurchaseKind;
	period_key: string;
	scope: string;
	captured: number;
	held: number;
}

export interface FamiliesTable {
	id: string;
	name: string;
	created_at: Millis;
	/** The family's own approval expiry; null means APPROVAL_TTL_SECONDS. */
	approval_ttl_seconds: number | null;
}

export interface FamilyMembersTable {
	/** An account is in at most one family. */
	account_id: string;
	family_id: string;
	role: FamilyRole;
	joined_at: Millis;
}

export interface FamilyInvitesTable {
	id: string;
	/** SHA-256 of the one-time code, which is shown once and never stored. */
	code_hash: string;
	family_id: string;
	role: FamilyRole;
	created_by: string;
	created_at: Millis;
	expires_at: Millis;
	used_at: Millis | null;
	used_by: string | null;
}

export interface AuditLogTable {
	id: string;
	family_id: string;
	/** Null when the operator acted (the admin CLI). */
	actor_id: string | null;
	action: string;
	subject_id: string | null;
	/** JSON, or null when there was nothing before (or after). */
	before: string | null;
	after: string | null;
	at: Millis;
}

export interface NotificationsTable {
	id: string;
	/** The recipient. */
	account_id: string;
	kind: NotificationKind;
	/** JSON of NoticeData: the notice as data, worded at the edge. */
	data: string;
	created_at: Millis;
	read_at: Millis | null;
	email_status: EmailStatus;
	email_attempts: number;
	/** When the outbox may next try, or when the current sender's lease ends. */
	email_next_at: Millis | null;
}

export interface CapAlertsTable {
	limit_id: string;
	threshold: number;
	period_key: string;
	created_at: Millis;
}

/** A captured recharge, as coins that gifts take first-in first-out (src/lib/server/costs). */
export interface CoinLotsTable {
	entry_id: string;
	account_id: string;
	occurred_at: Millis;
	coins: number;
	coins_left: number;
	price_amount: number;
	/** 'XXX' (no currency) for a recharge with no price: its coins cost nothing. */
	currency: string;
}

/** A captured gift's real-money cost in one currency ('XXX': coins with no paid recharge). */
export interface GiftCostsTable {
	entry_id: string;
	currency: string;
	coins: number;
	amount: number;
}

/** Coins and gifts per account, period key (day or month) and creator. */
export interface CreatorSpendTable {
	account_id: string;
	period_key: string;
	creator_id: string;
	coins: number;
	gifts: number;
}

/** What those coins cost, per currency. */
export interface CreatorCostsTable {
	account_id: string;
	period_key: string;
	creator_id: string;
	currency: string;
	coins: number;
	amount: number;
}

export interface DB {
	coin_lots: CoinLotsTable;
	gift_costs: GiftCostsTable;
	creator_spend: CreatorSpendTable;
	creator_costs: CreatorCostsTable;
	notifications: NotificationsTable;
	cap_alerts: CapAlertsTable;
	families: FamiliesTable;
	family_members: FamilyMembersTable;
	family_invites: FamilyInvitesTable;
	audit_log: AuditLogTable;
	limits: LimitsTable;
	authorizations: AuthorizationsTable;
	approval_requests: ApprovalRequestsTable;
	period_totals: PeriodTotalsTable;
	accounts: AccountsTable;
	sessions: SessionsTable;
	api_keys: ApiKeysTable;
	creators: CreatorsTable;
	coin_packs: CoinPacksTable;
	gifts: GiftsTable;
	ledger_entries: LedgerEntriesTable;
	login_throttles: LoginThrottlesTable;
	account_rules: AccountRulesTable;
	standing_approvals: StandingApprovalsTable;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type Session = Selectable<SessionsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Creator = Selectable<CreatorsTable>;
export type CoinPack = Selectable<CoinPacksTable>;
export type Gift = Selectable<GiftsTable>;
export type LedgerEntry = Selectable<LedgerEntriesTable>;
export type NewLedgerEntry = Insertable<LedgerEntriesTable>;
export type Limit = Selectable<LimitsTable>;
export type Authorization = Selectable<AuthorizationsTable>;
export type Family = Selectable<FamiliesTable>;
export type FamilyMember = Selectable<FamilyMembersTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type ApprovalRequest = Selectable<ApprovalRequestsTable>;
export type AccountRulesRow = Selectable<AccountRulesTable>;
export type StandingApproval = Selectable<StandingApprovalsTable>;
export type Notification = Selectable<NotificationsTable>;

// Every column of a table, by name, for template statements (db/template.ts): PostgreSQL
// prepares those once per connection, and a prepared `select *` refuses to run once a column
// is added (a newer server's migration). A column missing here is a type error where the rows
// are used as the table's row type.
export const LIMIT_COLUMNS = [
	'id',
	'account_id',
	'set_by',
	'set_by_account_id',
	'applies_to',
	'metric',
	'period',
	'amount',
	'currency',
	'creator_id',
	'action',
	'created_at',
	'effective_at',
	'ends_at',
	'alert_thresholds',
	'rollover_percent',
	'rollover_amount',
	'replaces_id'
] as const satisfies readonly (keyof LimitsTable)[];

export const AUTHORIZATION_COLUMNS = [
	'id',
	'account_id',
	'api_key_id',
	'idempotency_key',
	'fingerprint',
	'kind',
	'coins',
	'price_amount',
	'currency',
	'creator_id',
	'package_id',
	'channel',
	'payment_method',
	'status',
	'decision',
	'reasons',
	'response',
	'day_key',
	'week_key',
	'month_key',
	'created_at',
	'expires_at',
	'settled_at',
	'standing_approval_id'
] as const satisfies readonly (keyof AuthorizationsTable)[];
