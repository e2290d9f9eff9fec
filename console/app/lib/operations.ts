// Where each Operations number leads: the list it counts, filtered to the same window.
import type { EmailStatus } from '../gql/graphql.ts';

/** The statuses of an email the transport has taken: what the "sent" count counts (as the API does). */
export const SENT_STATUSES: readonly EmailStatus[] = ['SENT', 'DELIVERED', 'DELAYED', 'BOUNCED', 'COMPLAINED', 'OPENED', 'CLICKED'];

export interface OperationsLinks {
  emailsSent: string;
  emailsFailed: string;
  emailsBounced: string;
  webhooksReceived: string;
  webhooksFailed: string;
  webhooksDead: string;
}

/** `since` is the window's start (ISO); every link filters its list from there. */
export function operationsLinks(since: string): OperationsLinks {
  const q = (path: string, params: Record<string, string | string[]>) =>
    `${path}?${new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => [k, one]))).toString()}`;
  return {
    emailsSent: q('/emails', { status: [...SENT_STATUSES], createdFrom: since }),
    emailsFailed: q('/emails', { status: 'FAILED', createdFrom: since }),
    emailsBounced: q('/emails', { status: 'BOUNCED', createdFrom: since }),
    webhooksReceived: q('/webhooks', { receivedFrom: since }),
    webhooksFailed: q('/webhooks', { status: 'FAILED', receivedFrom: since }),
    webhooksDead: q('/webhooks', { status: 'DEAD', receivedFrom: since }),
  };
}
