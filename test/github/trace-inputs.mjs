// Preloaded (node --import) by the runner harness when a test asks which inputs an action reads: every
// read of an INPUT_* variable is appended to $EDS_TRACE_INPUTS_FILE. Test instrumentation only.
import { appendFileSync } from 'node:fs';

const out = process.env.EDS_TRACE_INPUTS_FILE;
if (out) {
  const real = process.env;
  process.env = new Proxy(real, {
    get(target, key) {
      if (typeof key === 'string' && key.startsWith('INPUT_')) appendFileSync(out, `${key}\n`);
      return Reflect.get(target, key);
    },
  });
}
