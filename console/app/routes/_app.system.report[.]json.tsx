import type { LoaderFunctionArgs } from '@remix-run/node';
import { downloadSystemReport } from './_app.system._index/report.server.ts';

// The system report as JSON, a download (resource route).
export function loader(args: LoaderFunctionArgs) {
  return downloadSystemReport(args, 'json');
}
