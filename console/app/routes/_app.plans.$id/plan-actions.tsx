import { IntentDialog } from '../../components/dialog.tsx';
import { formatCount } from '../../lib/format.ts';

// The buttons in the plan page's header; each posts its intent to the page's action.

export function ArchiveButton({ tenantCount }: { tenantCount: number }) {
  return (
    <IntentDialog intent="archive" label="Archive" title="Archive plan" submitLabel="Archive plan" busyLabel="Archiving…">
      <p>
        New tenants and plan changes can no longer choose this plan.{' '}
        {tenantCount
          ? `The ${formatCount(tenantCount)} ${tenantCount === 1 ? 'tenant' : 'tenants'} on it keep it until they move.`
          : 'No tenant is on it.'}
      </p>
    </IntentDialog>
  );
}

export function UnarchiveButton() {
  return (
    <IntentDialog intent="unarchive" label="Unarchive" title="Unarchive plan" submitLabel="Unarchive plan" busyLabel="Unarchiving…">
      <p>New tenants and plan changes can choose this plan again.</p>
    </IntentDialog>
  );
}

export function DeleteButton({ name }: { name: string }) {
  return (
    <IntentDialog intent="delete" label="Delete" title="Delete plan" submitLabel="Delete plan" busyLabel="Deleting…" danger>
      <p>
        <strong>{name}</strong> is deleted for good. Only a plan no tenant has used can be deleted; archive it otherwise.
      </p>
    </IntentDialog>
  );
}
