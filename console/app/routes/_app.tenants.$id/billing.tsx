import { DataTable, StatusBadge } from '../../components/list.tsx';
import type { TenantDetailQuery } from '../../gql/graphql.ts';
import { formatDate, formatDateTime, formatMoney } from '../../lib/format.ts';

type Tenant = NonNullable<TenantDetailQuery['tenant']>;

/** The tenant's Stripe customer, subscription and newest invoices, as Stripe's webhooks last reported them. */
export function BillingPanel({ billing, invoices }: { billing: Tenant['billing']; invoices: Tenant['invoices'] }) {
  return (
    <section data-testid="tenant-billing">
      <h2>Billing</h2>
      {billing ? (
        <div className="card">
          <dl className="facts">
            <dt>Stripe customer</dt>
            <dd>
              <code data-testid="stripe-customer">{billing.stripeCustomerId}</code>
              {billing.customerDeletedAt ? <span className="muted"> (deleted {formatDateTime(billing.customerDeletedAt)})</span> : null}
            </dd>
            <dt>Subscription</dt>
            <dd data-testid="subscription-status">
              {billing.subscriptionStatus ? <StatusBadge status={billing.subscriptionStatus} /> : '—'}
              {billing.subscriptionId ? <span className="muted"> {billing.subscriptionId}</span> : null}
            </dd>
            <dt>Current period</dt>
            <dd data-testid="subscription-period">
              {billing.currentPeriodStart || billing.currentPeriodEnd
                ? `${formatDate(billing.currentPeriodStart)} – ${formatDate(billing.currentPeriodEnd)}`
                : '—'}
              {billing.cancelAtPeriodEnd ? <span className="muted"> (cancels at period end)</span> : null}
            </dd>
            <dt>Last synced</dt>
            <dd>{formatDateTime(billing.updatedAt)}</dd>
          </dl>
        </div>
      ) : (
        <p className="muted">No Stripe customer is linked to this tenant yet.</p>
      )}
      <DataTable
        colSpan={6}
        empty="No invoices."
        head={
          <tr>
            <th>Number</th>
            <th>Status</th>
            <th className="num">Amount due</th>
            <th className="num">Paid</th>
            <th>Period</th>
            <th />
          </tr>
        }
      >
        {invoices.map((invoice) => (
          <tr key={invoice.id} data-testid="invoice-row">
            <td>{invoice.number ?? <span className="muted">draft</span>}</td>
            <td>
              <StatusBadge status={invoice.status} />
            </td>
            <td className="num">{formatMoney(invoice.amountDue, invoice.currency)}</td>
            <td className="num">{formatMoney(invoice.amountPaid, invoice.currency)}</td>
            <td>{invoice.periodStart ? `${formatDate(invoice.periodStart)} – ${formatDate(invoice.periodEnd)}` : '—'}</td>
            <td>
              {invoice.hostedInvoiceUrl ? (
                <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer noopener">
                  View
                </a>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
