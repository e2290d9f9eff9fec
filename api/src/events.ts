// The one typed event map of the API. Payloads travel through Postgres NOTIFY (< 8 kB): ids and small fields.

import type { TenantStatus } from './generated/prisma/enums.ts';

export const TENANT_CHANGE_KINDS = ['created', 'updated', 'planChanged', 'suspended', 'activated', 'deleted', 'onboarded'] as const;
export type TenantChangeKind = (typeof TENANT_CHANGE_KINDS)[number];

export interface EventMap {
  tenantChanged: { tenantId: string; kind: TenantChangeKind; status: TenantStatus };
  jobRunRecorded: { task: string; outcome: 'SUCCESS' | 'FAILURE'; count: number };
}

export type EventName = keyof EventMap;
