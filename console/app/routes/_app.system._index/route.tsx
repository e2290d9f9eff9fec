import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData, useRevalidator } from '@remix-run/react';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime, formatDuration, formatRelative, humanize } from '../../lib/format.ts';
import { formatBytes, formatGrowth, formatRows } from './format.ts';

export const meta: MetaFunction = () => [{ title: 'System · Opsgraph' }];

const SystemQuery = graphql(`
  query SystemPage {
    systemStatus {
      generatedAt
      overall
      health {
        key
        name
        status
        message
      }
      database {
        latencyMs
        name
        pool {
          total
          idle
          waiting
          max
        }
      }
      worker {
        instances
        newestBeatAt
        queue {
          ready
          scheduled
          running
          failed
          capped
        }
      }
      email {
        transport
        lastSent {
          at
        }
        lastFailed {
          at
          error
        }
      }
      webhookProviders {
        provider
        secretConfigured
        lastReceivedAt
        lastStatus
        lastType
      }
      migrations {
        current
        applied
        shipped
        latest
        pending
        failed
        unknown
      }
      tables {
        name
        rows
        estimated
        sizeBytes
        growth {
          today {
            count
            capped
          }
          last7Days {
            count
            capped
          }
          last30Days {
            count
            capped
          }
        }
      }
      versions {
        node
        postgres
        opsgraph
        schema
      }
      environment {
        nodeEnv
        production
        hostname
        processId
        uptimeSeconds
        apiProcesses
        workerMode
        workerConcurrency
        workerInstances
        databasePoolMax
        statementTimeoutMs
        features {
          name
          enabled
          detail
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const data = await gql(args, SystemQuery);
  return { status: data.systemStatus };
}

type Status = ReturnType<typeof useLoaderData<typeof loader>>['status'];

function HealthBadge({ status }: { status: string }) {
  return <span className={`badge health-${status.toLowerCase()}`}>{status === 'OK' ? 'OK' : humanize(status)}</span>;
}

function HealthCards({ status }: { status: Status }) {
  return (
    <section className="stats system-health" aria-label="Health">
      {status.health.map((check) => (
        <div className="stat" key={check.key} data-testid={`health-${check.key}`} data-status={check.status}>
          <div className="label">{check.name}</div>
          <div className="value">
            <HealthBadge status={check.status} />
          </div>
          <div className="sub">{check.message}</div>
        </div>
      ))}
    </section>
  );
}

function Details({ status }: { status: Status }) {
  const { database, worker, email, migrations } = status;
  const queue = worker.queue;
  return (
    <section className="card" aria-label="Details">
      <h2>Details</h2>
      <dl className="facts">
        <dt>Database</dt>
        <dd>
          {database.name ?? '—'}, {database.latencyMs === null ? 'not reachable' : `${database.latencyMs.toFixed(1)} ms`}
          {database.pool ? `; pool ${database.pool.total - database.pool.idle}/${database.pool.max} busy, ${database.pool.idle} idle, ${database.pool.waiting} waiting` : ''}
        </dd>
        <dt>Workers</dt>
        <dd>
          {worker.instances} alive; newest heartbeat {formatRelative(worker.newestBeatAt)}
        </dd>
        <dt>Job queue</dt>
        <dd data-testid="queue-depth">
          {queue ? `${formatCount(queue.ready)} ready, ${formatCount(queue.scheduled)} scheduled, ${formatCount(queue.running)} running, ${formatCount(queue.failed)} failed${queue.capped ? ' (first jobs only)' : ''}` : '—'}
        </dd>
        <dt>Email</dt>
        <dd>
          {email.transport}; last sent {formatDateTime(email.lastSent?.at)}; last failed {formatDateTime(email.lastFailed?.at)}
          {email.lastFailed?.error ? ` (${email.lastFailed.error})` : ''}
        </dd>
        <dt>Webhooks</dt>
        <dd>
          <ul className="plain">
            {status.webhookProviders.map((p) => (
              <li key={p.provider} data-testid={`webhook-provider-${p.provider}`}>
                {humanize(p.provider)}: {p.secretConfigured ? 'secret set' : 'no secret'};{' '}
                {p.lastReceivedAt ? `last ${p.lastType} ${formatRelative(p.lastReceivedAt)} (${humanize(p.lastStatus ?? '')})` : 'no events yet'}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Migrations</dt>
        <dd data-testid="migrations">
          {migrations
            ? migrations.current
              ? `Current: ${migrations.applied} of ${migrations.shipped} applied`
              : `Not current: ${[
                  migrations.pending.length ? `pending ${migrations.pending.join(', ')}` : '',
                  migrations.failed.length ? `failed ${migrations.failed.join(', ')}` : '',
                ]
                  .filter(Boolean)
                  .join('; ')}`
            : '—'}
          {migrations?.unknown.length ? `; not in this build: ${migrations.unknown.join(', ')}` : ''}
        </dd>
      </dl>
    </section>
  );
}

function Tables({ tables }: { tables: Status['tables'] }) {
  return (
    <section aria-label="Tables">
      <h2>Tables</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Rows</th>
              <th className="num">Today</th>
              <th className="num">7 days</th>
              <th className="num">30 days</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((t) => (
              <tr key={t.name} data-testid="system-table" data-table={t.name}>
                <td>{t.name}</td>
                <td className="num" data-testid="table-rows">
                  {formatRows(t.rows, t.estimated)} {t.estimated ? <span className="badge">estimated</span> : null}
                </td>
                <td className="num">{formatGrowth(t.growth?.today)}</td>
                <td className="num">{formatGrowth(t.growth?.last7Days)}</td>
                <td className="num">{formatGrowth(t.growth?.last30Days)}</td>
                <td className="num">{formatBytes(t.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">Exact up to 10,000 rows; above that the planner's estimate. Growth counts stop at 10,000 (≥).</p>
    </section>
  );
}

function Environment({ status }: { status: Status }) {
  const { versions, environment: env } = status;
  return (
    <section className="card" aria-label="Versions and environment">
      <h2>Versions</h2>
      <dl className="facts" data-testid="versions">
        <dt>Opsgraph</dt>
        <dd>{versions.opsgraph}</dd>
        <dt>Node</dt>
        <dd>{versions.node}</dd>
        <dt>PostgreSQL</dt>
        <dd>{versions.postgres ?? '—'}</dd>
        <dt>Schema</dt>
        <dd>{versions.schema ?? '—'}</dd>
      </dl>
      <h2>Environment</h2>
      <dl className="facts" data-testid="environment">
        <dt>NODE_ENV</dt>
        <dd>{env.nodeEnv}</dd>
        <dt>Host</dt>
        <dd>
          {env.hostname} (pid {env.processId}, up {formatDuration(env.uptimeSeconds * 1000)})
        </dd>
        <dt>API processes</dt>
        <dd>{env.apiProcesses} per host</dd>
        <dt>Worker</dt>
        <dd>
          {env.workerMode}, concurrency {env.workerConcurrency}, {env.workerInstances} alive
        </dd>
        <dt>Database pool</dt>
        <dd>
          {env.databasePoolMax} connections, statement timeout {env.statementTimeoutMs ? formatDuration(env.statementTimeoutMs) : 'none'}
        </dd>
        {env.features.map((f) => (
          <div key={f.name} className="fact-row">
            <dt>{f.name}</dt>
            <dd>
              {f.enabled ? 'on' : 'off'}
              {f.detail ? ` (${f.detail})` : ''}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export default function SystemPage() {
  const { status } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  return (
    <>
      <PageHeader
        title="System"
        sub={
          <span className="muted">
            <HealthBadge status={status.overall} /> as of {formatDateTime(status.generatedAt, { seconds: true })}
          </span>
        }
      >
        <div className="actions">
          <button type="button" onClick={() => revalidator.revalidate()} disabled={revalidator.state !== 'idle'}>
            {revalidator.state === 'idle' ? 'Refresh' : 'Refreshing…'}
          </button>
          <a className="button" href="/system/report.json" download data-testid="report-json">
            Download JSON
          </a>
          <a className="button" href="/system/report.csv" download data-testid="report-csv">
            Download CSV
          </a>
        </div>
      </PageHeader>
      <HealthCards status={status} />
      <div className="system-columns">
        <Details status={status} />
        <Environment status={status} />
      </div>
      <Tables tables={status.tables} />
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
