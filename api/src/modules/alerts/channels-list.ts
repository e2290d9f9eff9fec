import type { AlertChannel } from '../../generated/prisma/client.ts';
import { defineList, filters, searchAny } from '../../lib/list.ts';
import { readConfig } from './channels.ts';

export const alertChannelsList = defineList({
  name: 'alertChannels',
  model: 'AlertChannel',
  description: 'Notification channels of alert rules, by name unless sorted otherwise.',
  filterType: 'AlertChannelFilter',
  sortType: 'AlertChannelSort',
  filter: {
    kind: filters.enumList('AlertChannelKind'),
    enabled: filters.boolean(),
    search: filters.text({ max: 100, description: 'Part of the name.' }),
  },
  where: (f) => ({ kind: f.kind?.length ? { in: f.kind } : undefined, enabled: f.enabled, OR: searchAny(['name'], f.search) }),
  sorts: {
    NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'NAME_ASC',
  csv: {
    name: 'alert-channels',
    columns: ['id', 'name', 'kind', 'enabled', 'emailTo', 'urlHint', 'hasSigningSecret', 'ticketTenantId', 'ticketPriority', 'lastTestedAt', 'createdAt'],
    // The encrypted URL and secret never leave the API, not even in an export.
    query: { omit: { secretEncrypted: true } },
    row: ({ config, ...channel }: Omit<AlertChannel, 'secretEncrypted'>) => {
      const c = readConfig(config);
      return {
        ...channel, emailTo: c.emailTo?.join(' ') ?? null, urlHint: c.urlHint ?? null, hasSigningSecret: !!c.hasSigningSecret,
        ticketTenantId: c.ticketTenantId ?? null, ticketPriority: c.ticketPriority ?? null,
      };
    },
  },
});
