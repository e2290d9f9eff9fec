import type { ResultOf } from '@graphql-typed-document-node/core';
import { Link } from '@remix-run/react';
import type { PlanDetailQuery } from '../../gql/graphql.ts';
import { formatCount, formatDateTime, formatMoney } from '../../lib/format.ts';
import { trialLabel, type PlanQuotasFragment } from './plan-form.ts';

/** A plan's monthly quotas as a card (on the plan's page and on the page of a tenant on it). */
export function QuotasCard({ quotas }: { quotas: ResultOf<typeof PlanQuotasFragment> }) {
  return (
    <div className="card">
      <h2>Quotas per month</h2>
      <dl className="facts">
        <dt>Seats</dt>
        <dd>{formatCount(quotas.seats)}</dd>
        <dt>Emails</dt>
        <dd>{formatCount(quotas.emailsPerMonth)}</dd>
        <dt>SMS</dt>
        <dd>{formatCount(quotas.smsPerMonth)}</dd>
        <dt>API calls</dt>
        <dd>{formatCount(quotas.apiCallsPerMonth)}</dd>
      </dl>
    </div>
  );
}

/** The plan's pricing, quotas, usage, description and entitlements. */
export function PlanFacts({ plan }: { plan: NonNullable<PlanDetailQuery['plan']> }) {
  return (
    <section className="detail">
      <div className="card">
        <h2>Pricing</h2>
        <dl className="facts">
          <dt>Monthly</dt>
          <dd data-testid="plan-monthly-price">{formatMoney(plan.monthlyPrice, plan.currency)}</dd>
          <dt>Yearly</dt>
          <dd data-testid="plan-yearly-price">{formatMoney(plan.yearlyPrice, plan.currency)}</dd>
          <dt>Currency</dt>
          <dd>{plan.currency}</dd>
          <dt>Trial</dt>
          <dd>{trialLabel(plan.trialDays)}</dd>
        </dl>
      </div>
      <QuotasCard quotas={plan.quotas} />
      <div className="card">
        <h2>Usage</h2>
        <dl className="facts">
          <dt>Tenants</dt>
          <dd data-testid="plan-tenant-count">
            <Link to={`/tenants?planId=${plan.id}`}>
              {formatCount(plan.tenantCount)} {plan.tenantCount === 1 ? 'tenant' : 'tenants'} on this plan →
            </Link>
          </dd>
          <dt>Created</dt>
          <dd>{formatDateTime(plan.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatDateTime(plan.updatedAt)}</dd>
        </dl>
      </div>
      <div className="card plan-about">
        <h2>Description</h2>
        <p className={plan.description ? undefined : 'muted'}>{plan.description || 'No description.'}</p>
        <h2>Entitlements</h2>
        {plan.entitlements.length ? (
          <ul className="plan-entitlements" data-testid="plan-entitlements">
            {plan.entitlements.map((key) => (
              <li key={key}>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None.</p>
        )}
      </div>
    </section>
  );
}
