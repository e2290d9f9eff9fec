// The one typed event map of the API. Payloads travel through Postgres NOTIFY (< 8 kB): ids and small fields.

export type TenantChangeKind =
  | 'created'
  | 'updated'
  | 'planChanged'
  | 'suspended'
  | 'activated'
  | 'deleted'
  | 'onboarded';

export interface EventMap {
  tenantChanged: { tenantId: string; kind: TenantChangeKind; status: string };
  jobRunRecorded: { task: string; outcome: 'SUCCESS' | 'FAILURE'; count: number };
}

export type EventName = keyof EventMap;
