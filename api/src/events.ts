// The one typed event map of the API. Payloads travel through Postgres NOTIFY (< 8 kB): ids and small
// fields. Each module adds its own events by declaration merging, in its module.ts:
//
//   declare module '../../events.ts' {
//     interface EventMap { tenantChanged: { tenantId: string; kind: TenantChangeKind } }
//   }

/** Who lost the right to use the API; open WebSocket connections of that principal are closed. */
export type AccessRevocation =
  | { kind: 'session'; sessionId: string }
  | { kind: 'admin'; adminId: string }
  | { kind: 'apiKey'; apiKeyId: string }
  | { kind: 'tenant'; tenantId: string };

export interface EventMap {
  /** Platform event: a session, admin, API key or tenant lost its access. */
  accessRevoked: AccessRevocation;
  /** Platform event: a session or API key still works but ends sooner than it did (sent by the database). */
  credentialChanged: AccessRevocation;
}

export type EventName = keyof EventMap & string;
