export { DIAGNOSTIC_CODES as THREAT_INPUT_DIAGNOSTIC_CODES } from './classify.ts';
export { type FollowOptions, followEvents } from './follow.ts';
export { orderRotated } from './order.ts';
export {
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_MAX_EVENT_BYTES,
  type EventReadStats,
  type EventStream,
  type ReadEventsOptions,
  readEvents,
  STDIN_NAME,
} from './read.ts';
