import type { Invoice } from '../../generated/prisma/client.ts';
import { defineList, filters, ordered } from '../../lib/list.ts';

export const invoicesList = defineList({
  name: 'invoices',
  model: 'Invoice',
  description: "Tenants' Stripe invoices, newest first unless sorted otherwise.",
  filterType: 'InvoiceFilter',
  sortType: 'InvoiceSort',
  filter: {
    tenantId: filters.id(),
    status: filters.text({ max: 32, description: "Stripe's invoice status: draft, open, paid, uncollectible, void (or deleted)." }),
    createdFrom: filters.date(),
    createdTo: filters.date(),
  },
  checks: [ordered('createdFrom', 'createdTo')],
  where: (f) => ({
    tenantId: f.tenantId,
    status: f.status,
    createdAt: f.createdFrom || f.createdTo ? { gte: f.createdFrom, lte: f.createdTo } : undefined,
  }),
  sorts: {
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    CREATED_AT_ASC: [{ createdAt: 'asc' }, { id: 'asc' }],
    AMOUNT_DUE_DESC: [{ amountDue: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'CREATED_AT_DESC',
  csv: {
    name: 'invoices',
    columns: [
      'id', 'tenantId', 'tenantName', 'stripeInvoiceId', 'number', 'status', 'amountDue', 'amountPaid', 'currency',
      'periodStart', 'periodEnd', 'hostedInvoiceUrl', 'createdAt', 'updatedAt',
    ],
    query: { include: { tenant: { select: { name: true } } } },
    row: ({ tenant, ...invoice }: Invoice & { tenant: { name: string } }) => ({ ...invoice, tenantName: tenant.name }),
  },
});
