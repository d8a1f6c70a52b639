import { run } from './main.js';

// The runner starts dist/index.js; everything happens in run(), which never throws.
void run();
