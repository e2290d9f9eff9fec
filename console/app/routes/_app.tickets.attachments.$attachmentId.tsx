import type { LoaderFunctionArgs } from '@remix-run/node';
import { downloadAttachment } from './_app.tickets.$id/attachments.server.ts';

// A ticket attachment's download, fetched from the API with the admin's session (the browser only talks
// to the console). A resource route: the bytes, no page.
export async function loader(args: LoaderFunctionArgs) {
  return downloadAttachment(args, args.params.attachmentId!);
}
