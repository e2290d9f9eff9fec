// Where each Operations number leads: the list it counts, filtered to the same window.

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
  const q = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;
  return {
    emailsSent: q('/emails', { sentFrom: since }),
    emailsFailed: q('/emails', { status: 'FAILED', createdFrom: since }),
    emailsBounced: q('/emails', { status: 'BOUNCED', createdFrom: since }),
    webhooksReceived: q('/webhooks', { receivedFrom: since }),
    webhooksFailed: q('/webhooks', { status: 'FAILED', receivedFrom: since }),
    webhooksDead: q('/webhooks', { status: 'DEAD', receivedFrom: since }),
  };
}
