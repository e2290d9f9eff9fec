export { OpsgraphProvider, SnapshotRequestError, openFeatureReasons, toEvaluationContext, type OpsgraphProviderOptions } from './provider.ts';
