/** Every CloudWatch Logs operation the sandbox answers (the `logs` entry of services/table.ts). */
import type { Handler } from '../handler.js';
import { insightsHandlers } from './logs-insights.js';
import { logsKmsHandlers } from './kms-keys.js';
import { logsHandlers as groupHandlers } from './logs.js';

export const logsHandlers: Record<string, Handler> = { ...groupHandlers, ...insightsHandlers, ...logsKmsHandlers };
