import { prettyJson, type DiffRow } from './audit-diff.ts';

function Value({ text }: { text: string | null }) {
  return text === null ? <span className="muted">none</span> : <span>{text}</span>;
}

function ChangeRow({ row }: { row: DiffRow }) {
  return (
    <tr data-testid="diff-row" data-field={row.field} className={`change-${row.kind}`}>
      <th scope="row">{row.field}</th>
      <td className="from">
        <Value text={row.from} />
      </td>
      <td className="to">
        <Value text={row.to} />
      </td>
    </tr>
  );
}

/** What an entry changed, field by field, and the record as it was before and after. */
export function AuditChanges({ changes, before, after }: { changes: DiffRow[]; before: unknown; after: unknown }) {
  const beforeJson = prettyJson(before);
  const afterJson = prettyJson(after);
  return (
    <>
      <h2>Changes</h2>
      {changes.length ? (
        <div className="table-wrap">
          <table className="diff" data-testid="audit-diff">
            <thead>
              <tr>
                <th>Field</th>
                <th>From</th>
                <th>To</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((row) => (
                <ChangeRow key={row.field} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted" data-testid="audit-no-changes">
          No record fields changed in this entry.
        </p>
      )}

      <h2>Snapshots</h2>
      <div className="audit-snapshots">
        <details data-testid="audit-before">
          <summary>Before</summary>
          {beforeJson ? <pre>{beforeJson}</pre> : <p className="muted">No record before this action.</p>}
        </details>
        <details data-testid="audit-after">
          <summary>After</summary>
          {afterJson ? <pre>{afterJson}</pre> : <p className="muted">No record after this action.</p>}
        </details>
      </div>
    </>
  );
}
