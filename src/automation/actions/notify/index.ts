/** The notification actions, by file name. */
import { slack } from './slack.ts';
import { teams } from './teams.ts';
import { webhook } from './webhook.ts';

export const notifyActions = [slack, teams, webhook] as const;
