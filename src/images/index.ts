export type { AnalyzeContext, Analyzer, FileInput } from './analyzer.ts';
