export {
  type AggregateOptions,
  type AggregateStats,
  AlertAggregator,
  type EmitMode,
  emptyAggregateStats,
  type RuleInfo,
} from './aggregate.ts';
export { alertJsonLine, alertLine, alertTable, alertTargetText, incidentTable } from './format.ts';
export { Forwarder, type ForwardOptions, type ForwardStats } from './forward.ts';
