import { Field } from '../../components/form.tsx';
import type { AdminRole } from '../../gql/graphql.ts';
import { humanize } from '../../lib/format.ts';
import { ADMIN_ROLES, isAdminRole, ROLE_DESCRIPTIONS } from './admin-roles.ts';

/** The role select of the admin forms, its hint saying what the chosen role may do. */
export function RoleField({ role, onChange, error }: { role: AdminRole; onChange: (role: AdminRole) => void; error?: string | null }) {
  return (
    <Field label="Role" name="role" error={error} hint={ROLE_DESCRIPTIONS[role]}>
      <select name="role" value={role} onChange={(e) => isAdminRole(e.target.value) && onChange(e.target.value)}>
        {ADMIN_ROLES.map((r) => (
          <option key={r} value={r}>
            {humanize(r)}
          </option>
        ))}
      </select>
    </Field>
  );
}
