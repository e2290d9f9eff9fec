import { Link } from '@remix-run/react';
import type { TenantDetailQuery } from '../../gql/graphql.ts';
import { formatDateTime, formatMoney, formatRelative } from '../../lib/format.ts';
import { QuotasCard } from '../_app.plans.$id/plan-facts.tsx';

/** The tenant's plan, quotas, owner and lifecycle dates. */
export function TenantFacts({ tenant }: { tenant: NonNullable<TenantDetailQuery['tenant']> }) {
  return (
    <section className="detail">
      <div className="card">
        <h2>Plan</h2>
        <dl className="facts">
          <dt>Plan</dt>
          <dd data-testid="tenant-plan">
            <Link to={`/plans/${tenant.plan.id}`}>{tenant.plan.name}</Link> <span className="muted">({tenant.plan.code})</span>
          </dd>
          <dt>Price</dt>
          <dd>{formatMoney(tenant.plan.monthlyPrice, tenant.plan.currency)} / month</dd>
          <dt>Trial ends</dt>
          <dd suppressHydrationWarning>
            {tenant.trialEndsAt ? `${formatDateTime(tenant.trialEndsAt)} (${formatRelative(tenant.trialEndsAt)})` : '—'}
          </dd>
        </dl>
      </div>
      <QuotasCard quotas={tenant.plan.quotas} />
      <div className="card">
        <h2>Owner</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{tenant.ownerName}</dd>
          <dt>Email</dt>
          <dd>
            <a href={`mailto:${tenant.ownerEmail}`}>{tenant.ownerEmail}</a>
          </dd>
          <dt>Time zone</dt>
          <dd>{tenant.settings.timezone}</dd>
          <dt>Locale</dt>
          <dd>{tenant.settings.locale}</dd>
        </dl>
      </div>
      <div className="card">
        <h2>Lifecycle</h2>
        <dl className="facts">
          <dt>Created</dt>
          <dd>{formatDateTime(tenant.createdAt)}</dd>
          <dt>Onboarded</dt>
          <dd>{formatDateTime(tenant.onboardedAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatDateTime(tenant.updatedAt)}</dd>
          {tenant.deletedAt ? (
            <>
              <dt>Deleted</dt>
              <dd>{formatDateTime(tenant.deletedAt)}</dd>
            </>
          ) : null}
        </dl>
      </div>
    </section>
  );
}
