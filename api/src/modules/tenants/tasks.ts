import { z } from 'zod';
import { defineTask } from '../../worker/task.ts';
import { onboardTenant } from './service.ts';

export const tenantOnboardPayload = z.object({ tenantId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      tenantOnboard: z.input<typeof tenantOnboardPayload>;
    }
  }
}

/** Seeds a new tenant's defaults (the tenants service audits and publishes it; a rerun changes nothing). */
export const tenantOnboard = defineTask('tenantOnboard', tenantOnboardPayload, async ({ tenantId }, { scope, logger }) => {
  if (await onboardTenant(scope, tenantId)) logger.info({ tenantId }, 'tenant onboarded');
});
