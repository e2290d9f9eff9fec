import { describe, expect, it } from 'vitest';
import { readChannelUpdateForm, readNewChannelForm, readRecipients } from './alerts-channel.ts';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

describe('the channel form', () => {
  it('reads recipients separated by commas, spaces or lines', () => {
    expect(readRecipients('a@x.dev, b@x.dev\nc@x.dev;  ')).toEqual(['a@x.dev', 'b@x.dev', 'c@x.dev']);
  });

  it('asks a new Slack or webhook channel for its URL, an email channel for recipients', () => {
    expect(readNewChannelForm(form({ kind: 'WEBHOOK', name: 'Hook', url: '' }))).toEqual({ ok: false, fieldErrors: { url: 'Give the URL.' } });
    expect(readNewChannelForm(form({ kind: 'EMAIL', name: 'Ops', emailTo: '' }))).toEqual({ ok: false, fieldErrors: { emailTo: 'Give at least one recipient.' } });
    expect(readNewChannelForm(form({ kind: 'bogus', name: 'x' })).ok).toBe(false);
  });

  it('sends only the fields of its kind', () => {
    expect(readNewChannelForm(form({ kind: 'WEBHOOK', name: 'Hook', url: 'https://hooks.example/a', emailTo: 'ignored@x.dev', enabled: 'on' }))).toEqual({
      ok: true,
      input: { kind: 'WEBHOOK', name: 'Hook', enabled: true, url: 'https://hooks.example/a' },
    });
  });

  it('keeps the stored URL and secret when their fields are left empty on edit, and rotates on request', () => {
    expect(readChannelUpdateForm(form({ name: 'Hook', url: '', signingSecret: '', rotateSigningSecret: 'on' }), 'WEBHOOK')).toEqual({
      ok: true,
      input: { name: 'Hook', enabled: false, rotateSigningSecret: true },
    });
  });

  it('clears a ticket channel’s tenant and priority when they are emptied', () => {
    expect(readChannelUpdateForm(form({ name: 'Tickets', ticketTenantId: '', ticketPriority: '' }), 'TICKET')).toEqual({
      ok: true,
      input: { name: 'Tickets', enabled: false, clearTicketTenant: true, clearTicketPriority: true },
    });
  });
});
