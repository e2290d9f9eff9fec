import { z } from 'zod';
import { defineTask, type TaskDefinition } from '../../worker/task.ts';
import { recordAudit, systemActor } from '../audit/service.ts';
import { defaultTenantSettings } from './settings.ts';

export const tenantOnboardPayload = z.object({ tenantId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      tenantOnboard: z.input<typeof tenantOnboardPayload>;
    }
  }
}

/**
 * Seeds a new tenant's defaults and records completion. Idempotent: a tenant already onboarded, or gone,
 * is left as it is, so a retry or a duplicate run changes nothing.
 */
export const tenantOnboard = defineTask('tenantOnboard', tenantOnboardPayload, async ({ tenantId }, { prisma, pubsub, logger }) => {
  await prisma.$transaction(async (tx) => {
    // Lock the row so two concurrent runs cannot both onboard.
    const [tenant] = await tx.$queryRaw<{ id: string; onboardedAt: Date | null; settings: unknown; status: string }[]>`
      SELECT id, "onboardedAt", settings, status::text FROM "Tenant" WHERE id = ${tenantId}::uuid FOR UPDATE`;
    if (!tenant || tenant.onboardedAt) return;
    const settings = { ...defaultTenantSettings, ...(tenant.settings as object) };
    const after = await tx.tenant.update({ where: { id: tenantId }, data: { onboardedAt: new Date(), settings } });
    await recordAudit(tx, systemActor, {
      action: 'tenant.onboard', targetType: 'Tenant', targetId: tenantId, tenantId,
      before: { onboardedAt: null, settings: tenant.settings }, after: { onboardedAt: after.onboardedAt, settings },
    });
    await pubsub.publish('tenantChanged', { tenantId, kind: 'onboarded', status: after.status }, tx);
    logger.info({ tenantId }, 'tenant onboarded');
  });
});

export const tasks: TaskDefinition[] = [tenantOnboard];
