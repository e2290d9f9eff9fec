import type { ReactNode } from 'react';
import type { TicketStatus } from '../gql/graphql.ts';
import { humanize } from '../lib/format.ts';

/** Ticket statuses in the order a ticket goes through them (the generated list is alphabetical). */
export const TICKET_STATUSES = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED'] as const satisfies readonly TicketStatus[];

/**
 * A labelled select over an enum's values, written in words. `blank` is the label of an empty first option
 * ("Any", "(keep)"); `children` are more options placed before the values.
 */
export function EnumSelect({
  label,
  name,
  values,
  defaultValue,
  blank,
  form,
  disabled,
  children,
}: {
  label: string;
  name: string;
  values: readonly string[];
  defaultValue?: string | null;
  blank?: string;
  form?: string;
  disabled?: boolean;
  children?: ReactNode;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue ?? ''} form={form} disabled={disabled}>
        {blank !== undefined ? <option value="">{blank}</option> : null}
        {children}
        {values.map((v) => (
          <option key={v} value={v}>
            {humanize(v)}
          </option>
        ))}
      </select>
    </label>
  );
}
