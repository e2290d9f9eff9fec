import { NavLink } from '@remix-run/react';

/** The ticket settings' sections, one screen each. */
export function TicketSettingsNav() {
  return (
    <nav className="job-windows" aria-label="Ticket settings">
      <NavLink to="/tickets/settings" end>
        Assignment and agents
      </NavLink>
      <NavLink to="/tickets/settings/sla" end>
        SLA policies
      </NavLink>
      <NavLink to="/tickets/settings/calendars">Business hours</NavLink>
    </nav>
  );
}
