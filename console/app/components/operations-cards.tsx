import { Link } from '@remix-run/react';
import { graphql } from '../gql/index.ts';
import type { OperationsCardsFragment } from '../gql/graphql.ts';
import { formatCount } from '../lib/format.ts';
import { operationsLinks } from '../lib/operations.ts';

/** The numbers the cards show; spread it into a query's `operationsOverview`. */
export const OperationsCardsDocument = graphql(`
  fragment OperationsCards on OperationsOverview {
    since
    until
    emailsSent
    emailsFailed
    emailsBounced
    webhookEventsReceived
    webhookEventsFailed
    webhookEventsDead
  }
`);

function Count({ label, value, to, testId, tone }: { label: string; value: number; to: string; testId: string; tone?: 'danger' | 'warn' }) {
  return (
    <li>
      <Link to={to} data-testid={testId} className={value > 0 && tone ? `count-${tone}` : undefined}>
        <span className="count-value">{formatCount(value)}</span> <span className="count-label">{label}</span>
      </Link>
    </li>
  );
}

type Group = { name: string; testId: string; counts: { label: string; value: number; to: string; tone?: 'danger' | 'warn' }[] };

/** Email and webhook cards for a window, each number a link to the list it counts, filtered. */
export function OperationsCards({ overview, hours }: { overview: OperationsCardsFragment; hours: number }) {
  const links = operationsLinks(overview.since, overview.until);
  const groups: Group[] = [
    {
      name: 'Emails',
      testId: 'ops-emails',
      counts: [
        { label: 'sent', value: overview.emailsSent, to: links.emailsSent },
        { label: 'failed', value: overview.emailsFailed, to: links.emailsFailed, tone: 'danger' },
        { label: 'bounced', value: overview.emailsBounced, to: links.emailsBounced, tone: 'warn' },
      ],
    },
    {
      name: 'Webhook events',
      testId: 'ops-webhooks',
      counts: [
        { label: 'received', value: overview.webhookEventsReceived, to: links.webhooksReceived },
        { label: 'failed', value: overview.webhookEventsFailed, to: links.webhooksFailed, tone: 'warn' },
        { label: 'dead', value: overview.webhookEventsDead, to: links.webhooksDead, tone: 'danger' },
      ],
    },
  ];
  return (
    <>
      {groups.map((group) => (
        <div key={group.testId} className="stat" role="group" aria-label={`${group.name}, last ${hours} h`} data-testid={group.testId}>
          <div className="label">
            {group.name}, last {hours} h
          </div>
          <ul className="ops-counts">
            {group.counts.map((c) => (
              <Count key={c.label} {...c} testId={`${group.testId}-${c.label}`} />
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}
