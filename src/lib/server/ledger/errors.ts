/** An expected refusal with the tRPC code the caller should see. */
export class PurchaseError extends Error {
	constructor(
		readonly code: 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS',
		message: string
	) {
		super(message);
	}
}

export function unknownAccount(): PurchaseError {
	return new PurchaseError('NOT_FOUND', 'No account with that accountId.');
}

export function unknownAuthorization(): PurchaseError {
	return new PurchaseError('NOT_FOUND', 'No authorization with that authorizationId.');
}

export function unknownApproval(): PurchaseError {
	return new PurchaseError('NOT_FOUND', 'No approval request with that approvalId.');
}
