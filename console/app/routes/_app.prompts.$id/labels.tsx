import { Form } from '@remix-run/react';
import { FormError } from '../../components/form.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import type { PromptData } from './route.tsx';

function VersionSelect({ prompt, defaultValue, label }: { prompt: PromptData; defaultValue?: string; label: string }) {
  return (
    <select name="versionId" defaultValue={defaultValue} aria-label={label}>
      {prompt.versions.map((v) => (
        <option key={v.id} value={v.id}>
          v{v.number}
        </option>
      ))}
    </select>
  );
}

function RemoveButton({ label, tenantId }: { label: string; tenantId?: string }) {
  return (
    <Form method="post" className="inline">
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="label" value={label} />
      {tenantId ? <input type="hidden" name="tenantId" value={tenantId} /> : null}
      <button type="submit">
        Remove
      </button>
    </Form>
  );
}

function Errors() {
  const move = useIntent('move');
  const remove = useIntent('remove');
  const failed = move.result ?? remove.result;
  const fields = Object.entries(failed?.fieldErrors ?? {});
  return (
    <>
      <FormError message={failed?.formError} />
      {fields.map(([name, message]) => (
        <p key={name} className="form-error">
          {name}: {message}
        </p>
      ))}
    </>
  );
}

/** Global labels: each row moves its label to another version; a new label goes to any version. */
export function GlobalLabels({ prompt, canWrite }: { prompt: PromptData; canWrite: boolean }) {
  return (
    <>
      <Errors />
      <table>
        <thead>
          <tr>
            <th>Label</th>
            <th>Version</th>
            <th>Moved</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {prompt.labels.map((l) => (
            <tr key={l.name} data-testid="label-row" data-label={l.name}>
              <td>
                <code>{l.name}</code>
              </td>
              <td data-testid="label-version">v{l.version.number}</td>
              <td>{formatDateTime(l.updatedAt)}</td>
              <td>
                {canWrite ? (
                  <div className="toolbar">
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="move" />
                      <input type="hidden" name="label" value={l.name} />
                      <VersionSelect prompt={prompt} defaultValue={l.versionId} label={`Version for ${l.name}`} />
                      <button type="submit">Move {l.name}</button>
                    </Form>
                    <RemoveButton label={l.name} />
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
          {prompt.labels.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                No labels: tenants can only render <code>latest</code>.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {canWrite ? (
        <Form method="post" className="toolbar">
          <input type="hidden" name="intent" value="move" />
          <label>
            New label
            <input name="label" placeholder="production, staging, canary…" />
          </label>
          <VersionSelect prompt={prompt} label="Version for the new label" />
          <button type="submit">Add label</button>
        </Form>
      ) : null}
    </>
  );
}

/** Tenants' own labels, and a form to point one tenant's label at a version. */
export function TenantLabels({ prompt, tenants, canWrite }: { prompt: PromptData; tenants: { id: string; name: string }[]; canWrite: boolean }) {
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Label</th>
            <th>Version</th>
            <th>Moved</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {prompt.tenantLabels.map((l) => (
            <tr key={`${l.tenantId}:${l.name}`} data-testid="tenant-label-row">
              <td>{l.tenant.name}</td>
              <td>
                <code>{l.name}</code>
              </td>
              <td>v{l.version.number}</td>
              <td>{formatDateTime(l.updatedAt)}</td>
              <td>{canWrite ? <RemoveButton label={l.name} tenantId={l.tenantId} /> : null}</td>
            </tr>
          ))}
          {prompt.tenantLabels.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No tenant has its own label.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {canWrite ? (
        <Form method="post" className="toolbar">
          <input type="hidden" name="intent" value="move" />
          <label>
            Tenant
            <select name="tenantId" required>
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Label
            <input name="label" defaultValue="production" />
          </label>
          <VersionSelect prompt={prompt} label="Version for the tenant's label" />
          <button type="submit">Set tenant label</button>
        </Form>
      ) : null}
    </>
  );
}
