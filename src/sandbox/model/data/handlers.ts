/** The handlers of the data services and AWS Config, by service (registered in model.ts). */
import type { DataServiceName } from '../../contract.js';
import { backupHandlers } from '../backup/handlers.js';
import { configHandlers } from '../config/handlers.js';
import { dynamodbHandlers } from '../dynamodb/handlers.js';
import { ec2Handlers } from '../ec2/handlers.js';
import type { Handler } from '../handler.js';
import { rdsHandlers } from '../rds/handlers.js';
import { s3Handlers } from '../s3/handlers.js';
import { secretsmanagerHandlers } from '../secretsmanager/handlers.js';
import { ssmHandlers } from '../ssm/handlers.js';

export const dataHandlers: Record<DataServiceName, Record<string, Handler>> = {
  config: configHandlers,
  s3: s3Handlers,
  ec2: ec2Handlers,
  rds: rdsHandlers,
  dynamodb: dynamodbHandlers,
  backup: backupHandlers,
  secretsmanager: secretsmanagerHandlers,
  ssm: ssmHandlers,
};
