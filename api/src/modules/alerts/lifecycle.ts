import type { Alert } from '../../generated/prisma/client.ts';
import type { AlertState } from '../../generated/prisma/enums.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';

/**
 * An alert's states. It opens PENDING while the condition holds for less than the rule's pending
 * period, then FIRING (FIRING at once for a rule without one); it RESOLVES when the condition clears (after keep-firing) or by hand. RESOLVED is
 * final: the next breach opens a new alert.
 */
export const alertLifecycle = defineLifecycle({
  resourceType: 'Alert',
  // Rows as read for a manual transition: the alert with its rule's name.
  state: (alert: Alert & { rule: { name: string } }) => alert.state,
  transitions: {
    fire: { from: ['PENDING'], to: 'FIRING' },
    resolve: { from: ['PENDING', 'FIRING'], to: 'RESOLVED' },
  },
});

export const OPEN_ALERT_STATES: readonly AlertState[] = ['PENDING', 'FIRING'];
