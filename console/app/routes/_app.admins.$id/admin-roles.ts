// Admin roles as the admins screens present them. What each role may do is the API's rule (each module's
// permissions, api/src/modules/*/module.ts); these lines describe it to the owner choosing a role.

import type { AdminRole } from '../../gql/graphql.ts';

/** Every role (the type makes this complete), most powerful first: the order the screens list them in. */
export const ROLE_DESCRIPTIONS: Record<AdminRole, string> = {
  OWNER: 'Everything, including managing admins.',
  ADMIN: 'Tenants, plan changes, API keys and plans; not admins.',
  SUPPORT: 'Tenants and their API keys.',
  BILLING: 'Plans and tenants’ plan changes.',
  VIEWER: 'Reads everything, changes nothing.',
};

export const ADMIN_ROLES = Object.keys(ROLE_DESCRIPTIONS) as AdminRole[];

export function isAdminRole(value: unknown): value is AdminRole {
  return ADMIN_ROLES.includes(value as AdminRole);
}

/** Whether failed logins have locked the account at `now`. */
export function isLocked(lockedUntil: string | null | undefined, now: number = Date.now()): boolean {
  return Boolean(lockedUntil && new Date(lockedUntil).getTime() > now);
}

// Order matters: Edge's user agent also names Chrome, and Chrome's names Safari.
const BROWSERS: [string, RegExp][] = [
  ['Edge', /Edg\/(\d+)/],
  ['Firefox', /Firefox\/(\d+)/],
  ['Chrome', /(?:Chrome|Chromium)\/(\d+)/],
  ['Safari', /Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari/],
];
const SYSTEMS: [string, RegExp][] = [
  ['Windows', /Windows/],
  ['iOS', /iPhone|iPad/],
  ['Android', /Android/],
  ['macOS', /Mac OS X/],
  ['Linux', /Linux/],
];

/** "Chrome 131 on Linux" from a user agent; other clients (curl, scripts) as sent, shortened. */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown client';
  for (const [name, pattern] of BROWSERS) {
    const version = pattern.exec(userAgent)?.[1];
    if (!version) continue;
    const system = SYSTEMS.find(([, p]) => p.test(userAgent))?.[0];
    return system ? `${name} ${version} on ${system}` : `${name} ${version}`;
  }
  return userAgent.length > 60 ? `${userAgent.slice(0, 59)}…` : userAgent;
}
