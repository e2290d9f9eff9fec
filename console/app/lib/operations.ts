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

/**
 * `since` and `until` are the window's bounds (ISO instants, as the overview answers them): every link
 * filters its list to the same window, so the list's total is the card's number even while new rows arrive.
 */
export function operationsLinks(since: string, until: string): OperationsLinks {
  const q = (path: string, params: Record<string, string | string[]>) =>
    `${path}?${new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => [k, one]))).toString()}`;
  return {
    emailsSent: q('/emails', { status: [...SENT_STATUSES], createdFrom: since, createdTo: until }),
    emailsFailed: q('/emails', { status: 'FAILED', createdFrom: since, createdTo: until }),
    emailsBounced: q('/emails', { status: 'BOUNCED', createdFrom: since, createdTo: until }),
    webhooksReceived: q('/webhooks', { receivedFrom: since, receivedTo: until }),
    webhooksFailed: q('/webhooks', { status: 'FAILED', receivedFrom: since, receivedTo: until }),
    webhooksDead: q('/webhooks', { status: 'DEAD', receivedFrom: since, receivedTo: until }),
  };
}
