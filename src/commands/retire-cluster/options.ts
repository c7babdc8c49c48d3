/** kscli retire-cluster's typed options (src/commands/option-schemas.ts). */
import { Type } from '@sinclair/typebox';

export const RetireClusterOptionsSchema = Type.Object({
  clusterId: Type.String({ pattern: '^cluster-[0-9a-zA-Z]{11,16}$' }),
  days: Type.Integer({ minimum: 1 }),
  allowCryptoUsers: Type.Array(Type.String()),
  allowAuditGap: Type.Boolean(),
  keepCluster: Type.Boolean(),
  deleteBackups: Type.Boolean(),
  waitTimeoutMs: Type.Number({ minimum: 0 }),
  regions: Type.Optional(Type.Array(Type.String())),
});
