import type { AppLoadContext } from '@remix-run/node';
import { requireToken } from '../../session.server.ts';

// Attachments travel as raw bytes over the API's own HTTP routes, not GraphQL; the browser talks to the
// console only, so the console's server carries them with the admin's session.

type Args = { request: Request; context: AppLoadContext };

export type Uploaded = { ok: true; id: string } | { ok: false; message: string };

function apiHeaders({ request, context }: Args): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${requireToken(request, context)}`, 'x-request-id': context.requestId };
  if (context.clientIp) headers['x-forwarded-for'] = context.clientIp;
  return headers;
}

/** The API's message from an error answer, or what the status says. */
async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { errors?: { message?: string }[] };
    const message = body.errors?.[0]?.message;
    if (message) return message;
  } catch {
    // not JSON
  }
  return `The API answered ${response.status}.`;
}

/** Uploads one file to the ticket; the comment that carries it links it afterwards. */
export async function uploadAttachment(args: Args, ticketId: string, file: File): Promise<Uploaded> {
  const url = `${args.context.apiUrl}/tickets/${encodeURIComponent(ticketId)}/attachments?${new URLSearchParams({ filename: file.name })}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...apiHeaders(args), 'content-type': 'application/octet-stream', 'content-length': String(file.size) },
    body: Buffer.from(await file.arrayBuffer()),
    signal: args.request.signal,
  });
  if (response.status !== 201) return { ok: false, message: `${file.name}: ${await errorMessage(response)}` };
  const body = (await response.json()) as { id: string };
  return { ok: true, id: body.id };
}

/** The API's answer for a download, streamed through with the headers that make it a safe download. */
export async function downloadAttachment(args: Args, attachmentId: string): Promise<Response> {
  const response = await fetch(`${args.context.apiUrl}/tickets/attachments/${encodeURIComponent(attachmentId)}`, { headers: apiHeaders(args), signal: args.request.signal });
  if (!response.ok) return new Response(await errorMessage(response), { status: response.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const headers = new Headers();
  for (const name of ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'content-security-policy', 'cache-control', 'etag']) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(response.body, { status: 200, headers });
}
