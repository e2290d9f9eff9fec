import { Form, Link } from '@remix-run/react';
import { FormError } from '../../components/form.tsx';
import { useIntent } from '../../lib/intent.ts';
import type { ActionResult } from './actions.server.ts';
import { PlanFields } from './plan-fields.tsx';
import { planFormValues } from './plan-form.ts';

export function EditPlan({ plan }: { plan: Parameters<typeof planFormValues>[0] & { id: string } }) {
  const { busy, result } = useIntent<ActionResult>('update');
  const original = planFormValues(plan);
  return (
    <Form method="post" className="plan-form" noValidate>
      <input type="hidden" name="intent" value="update" />
      <input type="hidden" name="original" value={JSON.stringify(original)} />
      <FormError message={result?.formError} />
      <PlanFields values={result?.values ?? original} errors={result?.fieldErrors} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <Link to={`/plans/${plan.id}`}>Cancel</Link>
      </div>
    </Form>
  );
}
