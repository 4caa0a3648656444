// A stand-in for the payment provider. Coinguard never moves money itself; the shop pages
// only need something that can succeed or fail after an approval, to show both paths.

export const PAYMENT_METHODS = [
	{ value: 'card', label: 'Card' },
	{ value: 'paypal', label: 'PayPal' },
	{ value: 'apple_pay', label: 'Apple Pay' },
	{ value: 'google_pay', label: 'Google Pay' },
	{ value: 'app_store_balance', label: 'App store balance' },
	{ value: 'carrier_billing', label: 'Phone bill (carrier billing)' }
] as const;

export type PaymentMethod = (typeof PAYMENT_METHODS)[number]['value'];

export const PAYMENT_METHOD_VALUES = PAYMENT_METHODS.map((m) => m.value) as [
	PaymentMethod,
	...PaymentMethod[]
];

export interface Charge {
	amount: number;
	currency: string;
	method: PaymentMethod;
	/** A real provider gets the purchase's idempotency key too, so a resubmitted form charges once. */
	idempotencyKey: string;
	simulateFailure: boolean;
}

export type PaymentResult = { ok: true } | { ok: false; message: string };

export async function charge(request: Charge): Promise<PaymentResult> {
	if (request.simulateFailure) {
		return { ok: false, message: 'The payment provider declined the payment (simulated).' };
	}
	return { ok: true };
}
