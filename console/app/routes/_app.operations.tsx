import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { OperationsCards } from '../components/operations-cards.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { formatTime } from '../lib/format.ts';
import { countEvents } from '../lib/live.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';

export const meta: MetaFunction = () => [{ title: 'Operations · Opsgraph' }];

const HOURS = 24;

const OperationsQuery = graphql(`
  query Operations($hours: Int!) {
    operationsOverview(hours: $hours) {
      ...OperationsCards
    }
  }
`);

// Webhook attempts change the webhook numbers; email deliveries run as jobs, so their runs change the email ones.
const OperationsWebhookAttempts = graphql(`
  subscription OperationsWebhookAttempts {
    webhookAttemptRecorded {
      eventId
      status
    }
  }
`);

const OperationsJobRuns = graphql(`
  subscription OperationsJobRuns {
    jobRunsRecorded {
      task
      count
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const data = await gql(args, OperationsQuery, { hours: HOURS });
  return { overview: data.operationsOverview };
}

export default function Operations() {
  const { overview } = useLoaderData<typeof loader>();
  const [attempts] = useSubscription({ query: OperationsWebhookAttempts }, countEvents);
  const [jobRuns] = useSubscription({ query: OperationsJobRuns }, countEvents);
  useRevalidateOnEvents((attempts.data ?? 0) + (jobRuns.data ?? 0));
  return (
    <>
      <PageHeader
        title="Operations"
        sub={<span className="muted">Emails and inbound webhooks, last {HOURS} hours, as of {formatTime(overview.until)}</span>}
      />
      <section className="stats dashboard-stats" aria-label="Operations">
        <OperationsCards overview={overview} hours={HOURS} />
      </section>
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
