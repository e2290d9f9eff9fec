import { defineList, filters, ordered } from '../../lib/list.ts';

export const emailsList = defineList({
  name: 'emails',
  model: 'Email',
  description: 'Emails, newest first unless sorted otherwise.',
  filterType: 'EmailFilter',
  sortType: 'EmailSort',
  filter: {
    status: filters.enumList('EmailStatus'),
    templateId: filters.id(),
    templateKey: filters.text({ max: 64, description: "The template's key, exactly." }),
    recipient: filters.text({ max: 320, description: 'Part of the recipient address (case-insensitive).' }),
    tenantId: filters.id(),
    userId: filters.id(),
    transport: filters.text({ max: 16, description: '`resend` or `outbox` (the development mailbox).' }),
    createdFrom: filters.date(),
    createdTo: filters.date(),
  },
  checks: [ordered('createdFrom', 'createdTo')],
  where: (f) => ({
    status: f.status?.length ? { in: f.status } : undefined,
    templateId: f.templateId,
    template: f.templateKey ? { key: f.templateKey } : undefined,
    toAddress: f.recipient ? { contains: f.recipient, mode: 'insensitive' } : undefined,
    tenantId: f.tenantId,
    userId: f.userId,
    transport: f.transport,
    createdAt: f.createdFrom || f.createdTo ? { gte: f.createdFrom, lte: f.createdTo } : undefined,
  }),
  sorts: {
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    CREATED_AT_ASC: [{ createdAt: 'asc' }, { id: 'asc' }],
  },
  defaultSort: 'CREATED_AT_DESC',
  csv: {
    name: 'emails',
    columns: [
      'id', 'status', 'templateKey', 'templateVersion', 'toAddress', 'fromAddress', 'subject', 'transport', 'tenantId', 'userId',
      'attempts', 'overage', 'error', 'providerMessageId', 'createdAt', 'sentAt', 'deliveredAt', 'openedAt', 'clickedAt', 'bouncedAt', 'failedAt',
    ],
    query: { omit: { html: true, text: true, variables: true }, include: { template: { select: { key: true } }, templateVersion: { select: { version: true } } } },
    row: ({ template, templateVersion, ...email }: { template: { key: string }; templateVersion: { version: number } } & Record<string, unknown>) => ({
      ...email, templateKey: template.key, templateVersion: templateVersion.version,
    }),
  },
});
