/** Time left until `at`, in words short enough for a phone: "23 h 5 min", "4 min", "under a minute". */
export function countdown(at: number, now: number): string {
	const minutes = Math.floor((at - now) / 60_000);
	if (minutes < 1) return 'under a minute';
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	if (hours === 0) return `${rest} min`;
	return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
