import { defineModule } from '../manifest.ts';

/** The Operations overview: email and webhook numbers across modules, for the console's cards. */
export default defineModule({
  name: 'operations',
  graphql: () => import('./schema.ts'),
});
