import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { appDatabase } from '$lib/server/app';
import * as accounts from '$lib/server/accounts';
import * as sessions from '$lib/server/auth/sessions';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { clientIp, invalid, readForm, unreadable } from '$lib/server/forms';
import { signUp } from '$lib/schemas/account';
import { SIGN_UP_CURRENCIES } from '$lib/schemas/common';
import { localeChoices } from '$lib/schemas/locale';
import * as defaultCurrency from '$lib/server/accounts/default-currency';
import * as defaultLocale from '$lib/server/accounts/default-locale';

const EMAIL_REFUSED =
	'We could not create an account with that e-mail address. If you already have one, log in; otherwise check the address for typos.';

export const load = (({ locals, request }) => {
	if (locals.user) redirect(303, '/');
	const languages = request.headers.get('accept-language');
	const detectedLocale = defaultLocale.fromAcceptLanguage(languages);
	return {
		timeZones: Intl.supportedValuesOf('timeZone'),
		currencies: SIGN_UP_CURRENCIES,
		defaultCurrency: defaultCurrency.fromAcceptLanguage(languages),
		locales: localeChoices(detectedLocale),
		defaultLocale: detectedLocale
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const form = await readForm(event.request, [
			'email',
			'displayName',
			'password',
			'timeZone',
			'currency',
			'locale'
		]);
		if (!form) return unreadable();
		const { password: _password, ...values } = form;
		// A form without the field (a page from before it, a script) gets the browser's own.
		const locale =
			form.locale || defaultLocale.fromAcceptLanguage(event.request.headers.get('accept-language'));
		const parsed = signUp.safeParse({ ...form, locale });
		if (!parsed.success) return invalid(parsed.error, values);

		const { db } = appDatabase();
		let account;
		try {
			account = await accounts.create(db, parsed.data);
		} catch (error) {
			// Said so that the form does not tell who has an account here: the password was
			// hashed either way, so the answer takes as long as a sign-up.
			if (error instanceof accounts.EmailTakenError) {
				return fail(400, { message: EMAIL_REFUSED, field: 'email', values });
			}
			throw error;
		}
		const device = { userAgent: event.request.headers.get('user-agent'), ip: clientIp(event) };
		const { token, session } = await sessions.create(db, account.id, device);
		setSessionCookie(event, token, session.expiresAt);
		redirect(303, '/');
	}
} satisfies Actions;
