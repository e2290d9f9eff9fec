export type * from './types.ts';
export { bucketOf, evaluateFlag, evaluateSnapshot, matchesConstraint, type EvaluateOptions } from './evaluate.ts';
