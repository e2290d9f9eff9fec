import { describe, expect, it } from 'vitest';
import { EmailFilterFields, WebhookEventFilterFields } from '../gql/lists.ts';
import { readFilter } from './list.ts';
import { operationsLinks, SENT_STATUSES } from './operations.ts';

// Each link must carry only parameters its list reads, so the list counts what the card counted.
const since = '2026-12-06T11:00:00.123Z';
const until = '2026-12-07T11:00:00.123Z';
const links = operationsLinks(since, until);

function read(href: string) {
  const url = new URL(href, 'http://console');
  const spec = url.pathname === '/emails' ? EmailFilterFields : WebhookEventFilterFields;
  return { path: url.pathname, filter: readFilter(url.searchParams, spec), names: [...new Set(url.searchParams.keys())] };
}

describe('operationsLinks', () => {
  it('leads each email count to the emails list, filtered by status and the same window', () => {
    expect(read(links.emailsSent)).toEqual({
      path: '/emails',
      filter: { status: [...SENT_STATUSES], createdFrom: since, createdTo: until },
      names: ['status', 'createdFrom', 'createdTo'],
    });
    expect(read(links.emailsFailed).filter).toEqual({ status: ['FAILED'], createdFrom: since, createdTo: until });
    expect(read(links.emailsBounced).filter).toEqual({ status: ['BOUNCED'], createdFrom: since, createdTo: until });
  });

  it('leads each webhook count to the webhooks list, filtered by status and the same window', () => {
    expect(read(links.webhooksReceived)).toEqual({ path: '/webhooks', filter: { receivedFrom: since, receivedTo: until }, names: ['receivedFrom', 'receivedTo'] });
    expect(read(links.webhooksFailed).filter).toEqual({ status: ['FAILED'], receivedFrom: since, receivedTo: until });
    expect(read(links.webhooksDead).filter).toEqual({ status: ['DEAD'], receivedFrom: since, receivedTo: until });
  });

  it('uses only parameters the lists know', () => {
    for (const href of Object.values(links)) {
      const { path, names } = read(href);
      const known = Object.keys(path === '/emails' ? EmailFilterFields : WebhookEventFilterFields);
      expect(names.filter((n) => !known.includes(n))).toEqual([]);
    }
  });
});
