import type { AppLoadContext } from '@remix-run/node';
import { requireToken } from '../../session.server.ts';

type Args = { request: Request; context: AppLoadContext };

/**
 * The API's system report (GET /system/report.json or .csv), fetched with the admin's session and passed
 * through as a download: the browser only talks to the console.
 */
export async function downloadSystemReport(args: Args, format: 'json' | 'csv'): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${requireToken(args.request, args.context)}`, 'x-request-id': args.context.requestId };
  if (args.context.clientIp) headers['x-forwarded-for'] = args.context.clientIp;
  const response = await fetch(`${args.context.apiUrl}/system/report.${format}`, { headers, signal: args.request.signal });
  if (!response.ok) {
    let message = `The API answered ${response.status}.`;
    try {
      message = ((await response.json()) as { errors?: { message?: string }[] }).errors?.[0]?.message ?? message;
    } catch {
      // not JSON
    }
    return new Response(message, { status: response.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const passed = new Headers();
  for (const name of ['content-type', 'content-length', 'content-disposition', 'cache-control', 'x-content-type-options']) {
    const value = response.headers.get(name);
    if (value) passed.set(name, value);
  }
  return new Response(response.body, { status: 200, headers: passed });
}
