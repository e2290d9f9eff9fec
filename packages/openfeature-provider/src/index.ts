export { OpsgraphProvider, SnapshotRequestError, toEvaluationContext, type OpsgraphProviderOptions } from './provider.ts';
