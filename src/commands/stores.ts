/**
 * kscli stores: every custom key store of the region with its keys counted by key state.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1,
 *   "region": "eu-west-1",
 *   "stores": [{
 *     "storeId": "cks-1234567890abcdef0", "name": "prod-hsm", "type": "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE",
 *     "connectionState": "CONNECTED", "connectionErrorCode"?: "NETWORK_ERRORS" (only when FAILED),
 *     "clusterId": "cluster-abc..." | null, "creationDate": "2024-01-02T03:04:05.000Z",
 *     "keyCount": 3, "keyCounts": {"Enabled": 2, "PendingDeletion": 1}
 *   }]
 * }
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { writeJson } from '../ui/json.js';
import type { Body } from '../schemas/common.js';
import type { StoresDocument } from '../schemas/stores.js';
import { renderTable } from '../ui/table.js';
import { countByState } from '../workflow/inventory.js';
import { isJson, storeJson, withDeps } from './common.js';

export const storesCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('stores')
      .description('list the custom key stores of the region, with their keys counted by state')
      .addHelpText('after', '\nExample:\n  kscli stores --region eu-west-1\n  kscli stores --output json | jq \'.stores[] | select(.connectionState == "FAILED")\'\n')
      .action(() =>
        withDeps(app, async (deps) => {
          const stores = await deps.aws.kms().describeStores();
          const bar = deps.progress.bar('scanning keys');
          // no store, no need to describe every key of the region
          const keys = stores.length
            ? await deps.aws
                .kms()
                .scanKeys((k) => !!k.customKeyStoreId, (d, t) => bar.update(d, t))
                .finally(() => bar.stop())
            : [];
          const rows = stores.map((s) => {
            const mine = keys.filter((k) => k.customKeyStoreId === s.id);
            return { store: s, keyCount: mine.length, keyCounts: countByState(mine) };
          });
          if (isJson(deps)) {
            writeJson(deps.io.out, { region: deps.region, stores: rows.map((r) => ({ ...storeJson(r.store), keyCount: r.keyCount, keyCounts: r.keyCounts })) } satisfies Body<StoresDocument>);
            return 0;
          }
          if (rows.length === 0) {
            deps.io.out.write(`no custom key stores in region ${deps.region}\n`);
            return 0;
          }
          const st = deps.style;
          const table = rows.map(({ store: s, keyCount, keyCounts }) => [
            s.id,
            s.name,
            s.type,
            s.connectionState === 'CONNECTED' ? st.ok(s.connectionState) : s.connectionState === 'FAILED' ? st.bad(`FAILED (${s.connectionErrorCode ?? '?'})`) : s.connectionState,
            s.clusterId ?? '-',
            s.creationDate.toISOString().slice(0, 10),
            keyCount === 0 ? '0' : `${keyCount}: ${Object.entries(keyCounts).map(([k, n]) => `${k} ${n}`).join(', ')}`,
          ]);
          deps.io.out.write(renderTable(['STORE', 'NAME', 'TYPE', 'STATE', 'CLUSTER', 'CREATED', 'KEYS'], table));
          return 0;
        }),
      );
  },
};
