import type { Permission } from '../../permissions.ts';

/** What reading the System page takes (every admin role can read the platform's operations). */
export const SYSTEM_PERMISSION: Permission = 'READ';
