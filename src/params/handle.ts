import type { ParamMatcher } from '@sveltejs/kit';

/** A creator's handle as it can appear in a link (`/live/chef.tomas`, `/live/@chef.tomas`). */
export const match = ((param) => /^@?[A-Za-z0-9._-]{1,64}$/.test(param)) satisfies ParamMatcher;
