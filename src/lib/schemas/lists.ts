/** `"recharge" or "gift"`, as the messages for bad input name a two-value list. */
export function eitherOf(values: readonly [string, string]): string {
	return `"${values[0]}" or "${values[1]}"`;
}

/** `app, web, gift_card, third_party`, as the messages for bad input name a longer list. */
export function oneOf(values: readonly string[]): string {
	return values.join(', ');
}
