import { page } from '$app/state';
import { formatter, type Formatter } from './format';
import { DEFAULT_LOCALE } from './schemas/locale';

/**
 * How the signed-in person reads numbers, money and dates: the locale of the (app) layout's
 * user, so a guardian sees a child's pages in the guardian's own format. Read it in a
 * component's `$derived`, so a change on Settings shows at once.
 */
export function viewerFormat(): Formatter {
	const user = page.data.user as { locale?: string } | undefined;
	return formatter(user?.locale ?? DEFAULT_LOCALE);
}
