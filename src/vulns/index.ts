export { InvalidVersionError, type VersionScheme } from './versioning/scheme.ts';
