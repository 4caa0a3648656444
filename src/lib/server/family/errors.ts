/** A family rule refused the change; `code` is the tRPC code, `field` the form field it is about. */
export class FamilyError extends Error {
	constructor(
		readonly code: 'BAD_REQUEST' | 'FORBIDDEN' | 'CONFLICT',
		message: string,
		readonly field?: string
	) {
		super(message);
	}
}

export const alreadyInFamily = () =>
	new FamilyError(
		'CONFLICT',
		'You are already in a family. An account can be in one family only.',
		'code'
	);
