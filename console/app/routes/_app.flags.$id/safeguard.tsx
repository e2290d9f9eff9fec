import { Link } from '@remix-run/react';
import { DataTable } from '../../components/list.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';

type Named = { id: string; name: string };

/**
 * The safeguard: the alert rules the flag names, and the tenants it is paused for right now (one of those
 * rules fires for them, so they get the default value until it resolves).
 */
export function SafeguardStatus({
  flagId,
  rules,
  pauses,
  canWrite,
}: {
  flagId: string;
  canWrite: boolean;
  rules: readonly Named[];
  pauses: readonly { tenant: Named; alertRule: Named; since: string }[];
}) {
  return (
    <section aria-label="Safeguard" data-testid="flag-safeguard">
      <h2>Safeguard</h2>
      {rules.length ? (
        <p>
          Pauses for a tenant while one of these alert rules fires for it:{' '}
          {rules.map((r, i) => (
            <span key={r.id}>
              {i ? ', ' : ''}
              <Link to={`/monitoring/rules/${r.id}`}>{r.name}</Link>
            </span>
          ))}
          .
        </p>
      ) : (
        <p className="muted">
          No safeguard: {canWrite ? <Link to={`/flags/${flagId}?edit=1`}>name alert rules</Link> : 'name alert rules'} in the definition to pause the flag for tenants whose
          alerts fire.
        </p>
      )}
      {rules.length ? (
        <DataTable
          colSpan={3}
          empty="Not paused for any tenant."
          head={
            <tr>
              <th>Tenant</th>
              <th>Paused by</th>
              <th>Since</th>
            </tr>
          }
        >
          {pauses.map((p) => (
            <tr key={`${p.tenant.id}:${p.alertRule.id}`} data-testid="safeguard-pause">
              <td>
                <Link to={`/tenants/${p.tenant.id}`}>{p.tenant.name}</Link>
              </td>
              <td>
                <Link to={`/monitoring/rules/${p.alertRule.id}`}>{p.alertRule.name}</Link>
              </td>
              <td suppressHydrationWarning>
                {formatDateTime(p.since)} <span className="muted small">({formatRelative(p.since)})</span>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
