/**
 * kscli orphans <storeId>: keys of the store whose deletion left key material in the cluster
 * (CloudTrail DeleteKey events, additionalEventData.backingKeysDeletionStatus FAILURE; aws-facts 2.4),
 * with the key handles and the manual clean-up steps. CloudTrail event history covers 90 days.
 * External key stores never orphan anything (aws-facts 8).
 *
 * JSON (--output json):
 * {"schemaVersion": 1, "store": {...as find-keys}, "orphans": [{"keyArn", "clusterId", "keyHandles": ["7"],
 *  "backingKeyIds": [...], "eventTime": ISO, "eventId"}], "cleanupSteps": ["..."]}
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { writeJson } from '../ui/json.js';
import type { Body } from '../schemas/common.js';
import type { OrphansDocument } from '../schemas/reports.js';
import { findOrphans } from '../workflow/orphans.js';
import { validateStoreId } from '../workflow/validate.js';
import { describeStore, isJson, storeJson, withDeps } from './common.js';
import { orphansJson, renderOrphans } from './reports.js';

export const orphansCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('orphans')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('keys whose deletion left key material in the CloudHSM cluster, with the clean-up steps')
      .addHelpText('after', '\nExample:\n  kscli orphans cks-1234567890abcdef0\n')
      .action((storeIdInput: string) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          const store = await describeStore(deps, storeId);
          if (store.type === 'EXTERNAL_KEY_STORE') {
            if (isJson(deps)) writeJson(deps.io.out, { store: storeJson(store), orphans: [], cleanupSteps: [] } satisfies Body<OrphansDocument>);
            else deps.io.out.write(`${storeId} is an external key store: KMS never deletes external keys, so nothing can be orphaned.\n`);
            return 0;
          }
          const bar = deps.progress.bar('reading CloudTrail DeleteKey events');
          const orphans = await findOrphans(deps.aws, storeId, deps.clock.now(), (n) => bar.update(n)).finally(() => bar.stop());
          if (isJson(deps)) writeJson(deps.io.out, { store: storeJson(store), ...orphansJson(orphans) } satisfies Body<OrphansDocument>);
          else deps.io.out.write(renderOrphans(deps, storeId, orphans));
          return 0;
        });
      });
  },
};
