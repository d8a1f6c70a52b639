#!/usr/bin/env node
import { run } from '../dist/main.js';

const code = await run(process.argv);
// Exit explicitly: a cluster target's watches or an HTTP keep-alive pool must not keep a finished command
// alive. stdout/stderr are synchronous for files and pipes on Linux, so nothing printed is lost.
process.exit(code);
