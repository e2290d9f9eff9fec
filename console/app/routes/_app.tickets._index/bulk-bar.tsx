import { Form } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { DialogButton } from '../../components/dialog.tsx';
import { FormError } from '../../components/form.tsx';
import { EnumSelect, TICKET_STATUSES } from '../../components/ticket-enum-select.tsx';
import { TicketPriorityValues } from '../../gql/lists.ts';
import { formatCount } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import type { BulkResult } from './actions.server.ts';
import { describeBulkChanges, UNASSIGN } from './bulk-form.ts';

/**
 * The queue's bulk form: the changes, then "apply to the ticked rows" or "apply to every ticket matching
 * the filter" (which asks to confirm the count first; the action refuses if it no longer holds).
 */
export function BulkBar({
  ticked,
  matching,
  agents,
  onDone,
}: {
  ticked: string[];
  matching: number;
  agents: { admin: { id: string; name: string }; available: boolean }[];
  onDone: () => void;
}) {
  const { busy, result, done } = useIntent<BulkResult>('bulk');
  const form = useRef<HTMLFormElement>(null);
  const agentNames = new Map(agents.map((a) => [a.admin.id, a.admin.name]));
  const after = useRef(onDone);
  after.current = onDone;
  useEffect(() => {
    if (done) {
      form.current?.reset();
      after.current();
    }
  }, [done]);
  return (
    <Form method="post" id="bulk" ref={form} className="filters bulk-retry" aria-label="Bulk change" data-testid="bulk-bar">
      <input type="hidden" name="intent" value="bulk" />
      <strong>Change</strong>
      <label>
        Assignee
        <select name="assigneeId" defaultValue="">
          <option value="">(keep)</option>
          <option value={UNASSIGN}>Nobody (unassign)</option>
          {agents.map((a) => (
            <option key={a.admin.id} value={a.admin.id}>
              {a.admin.name}
              {a.available ? '' : ' (away)'}
            </option>
          ))}
        </select>
      </label>
      <EnumSelect label="Status" name="status" values={TICKET_STATUSES} blank="(keep)" />
      <EnumSelect label="Priority" name="priority" values={TicketPriorityValues} blank="(keep)" />
      <label>
        Add tag
        <input type="text" name="addTag" size={10} />
      </label>
      <button type="submit" name="scope" value="ids" disabled={busy || ticked.length === 0}>
        {busy ? 'Applying…' : `Apply to ${ticked.length} selected`}
      </button>
      {matching > 0 ? (
        <DialogButton label={`Apply to all ${formatCount(matching)} matching…`} title="Change every ticket matching the filter" done={done}>
          {(close) => {
            // Read when the dialog opens: the bulk form's fields above say what is to change.
            const changes = form.current ? describeBulkChanges(new FormData(form.current), agentNames) : null;
            return (
              <>
                <input type="hidden" name="expected" value={matching} form="bulk" />
                <p data-testid="bulk-count">
                  {changes
                    ? `${changes[0]!.toUpperCase()}${changes.slice(1)} on all ${formatCount(matching)} ticket${matching === 1 ? '' : 's'} matching the current filter (every page)?`
                    : `Choose above what to change on all ${formatCount(matching)} ticket${matching === 1 ? '' : 's'} matching the filter first.`}
                </p>
                <FormError message={result?.matching !== undefined ? result.formError : null} />
                <div className="form-actions">
                  <button type="submit" form="bulk" name="scope" value="filter" className="primary" disabled={busy || !changes}>
                    {busy ? 'Applying…' : `Change ${formatCount(matching)} tickets`}
                  </button>
                  <button type="button" onClick={close}>
                    Cancel
                  </button>
                </div>
              </>
            );
          }}
        </DialogButton>
      ) : null}
      {result && !result.ok && result.matching === undefined ? <FormError message={result.formError ?? Object.values(result.fieldErrors ?? {}).join(' ')} /> : null}
      {result?.ok ? (
        <span className="success" role="status" data-testid="bulk-summary">
          {result.summary}
        </span>
      ) : null}
      {result?.failures?.length ? (
        <ul className="small" data-testid="bulk-failures">
          {result.failures.map((f) => (
            <li key={f.ticketId}>
              {f.ticketId}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Form>
  );
}
