export type { AnalyzeContext, Analyzer, FileInput } from './analyzer.ts';
export * from './registry/index.ts';
