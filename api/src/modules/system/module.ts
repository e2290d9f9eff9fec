import { defineModule } from '../manifest.ts';
import { systemRoutes } from './routes.ts';

/** The System page: health of the platform's parts, table sizes, versions, environment and a report. */
export default defineModule({
  name: 'system',
  graphql: () => import('./schema.ts'),
  routes: systemRoutes,
});
