import { formatDateTime } from '../../lib/format.ts';
import { formatBytes } from './ticket-text.ts';
import type { TicketData } from './route.tsx';

/**
 * The description, then every comment oldest first. Internal notes sit on a tinted background with a
 * label, so nobody mistakes one for what the requester saw. Bodies are the API's sanitised HTML.
 */
export function Thread({ ticket }: { ticket: TicketData }) {
  return (
    <section aria-label="Thread" className="ticket-thread">
      <article className="card comment" data-testid="ticket-description">
        <header className="muted small">
          {ticket.requester.name ?? ticket.requester.email ?? 'Requester'} opened the ticket · {formatDateTime(ticket.createdAt)}
        </header>
        <div className="markdown" dangerouslySetInnerHTML={{ __html: ticket.descriptionHtml }} />
      </article>
      {ticket.comments.map((c) => {
        const author = c.authorType === 'ADMIN' ? (c.authorAdmin?.name ?? 'Support') : c.authorType === 'REQUESTER' ? (c.authorUser?.name ?? c.authorUser?.email ?? 'Requester') : 'Opsgraph';
        return (
          <article key={c.id} className={`card comment${c.internal ? ' comment-internal' : ''}`} data-testid="comment" data-internal={c.internal ? 'true' : 'false'}>
            <header className="muted small">
              {c.internal ? <span className="badge">internal note</span> : null} <strong>{author}</strong>
              {c.authorType === 'ADMIN' ? ' (support)' : ''} · {formatDateTime(c.createdAt)}
            </header>
            <div className="markdown" dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />
            {c.attachments.length ? (
              <ul className="attachments" aria-label="Attachments">
                {c.attachments.map((a) => (
                  <li key={a.id}>
                    <a href={`/tickets/attachments/${a.id}`} download={a.filename} data-testid="attachment-link">
                      {a.filename}
                    </a>{' '}
                    <span className="muted small">
                      {a.contentType}, {formatBytes(a.size)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}
