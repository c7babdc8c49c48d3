/**
 * Preloaded into a kscli process to list every module it loads, ESM and CommonJS: ESM through a
 * resolve hook registered with module.register (it runs on the loader thread and appends each URL
 * to $KSCLI_BENCH_TRACE_FILE), CommonJS by wrapping Module._load in this thread. Used by the
 * start-up row to prove `--version` and `--help` never load the AWS SDK.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.KSCLI_BENCH_TRACE_FILE;
if (file) {
  delete process.env.KSCLI_BENCH_TRACE_FILE;
  register('./module-trace-hooks.mjs', import.meta.url, { data: { file } });
  const Module = createRequire(import.meta.url)('node:module');
  const original = Module._load;
  Module._load = function load(request, parent, isMain) {
    try {
      appendFileSync(file, `cjs ${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      appendFileSync(file, `cjs ${request}\n`);
    }
    return original.apply(this, arguments);
  };
}
