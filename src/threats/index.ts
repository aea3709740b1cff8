export { AuditEvent, type EventLocation, FalcoEvent, type ThreatEvent } from './event.ts';
