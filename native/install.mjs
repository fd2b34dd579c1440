// Builds the native addon at install time. It never fails the install: if the build fails, tstorch
// prints one line and runs on its pure-TypeScript reference backend.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (process.env.TSTORCH_SKIP_NATIVE_BUILD) {
  console.log('tstorch: TSTORCH_SKIP_NATIVE_BUILD is set; using the reference backend');
  process.exit(0);
}
// Build against the headers installed beside this Node.js (no download), as npm is configured to.
const prefix = resolve(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir
  || (existsSync(resolve(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const gypArgs = ['rebuild', '--jobs=max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const bundled = resolve(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const gyp = process.env.npm_config_node_gyp || (existsSync(bundled) ? bundled : undefined);
const [cmd, args] = gyp ? [process.execPath, [gyp, ...gypArgs]] : ['node-gyp', gypArgs];
const r = spawnSync(cmd, args, { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (r.status !== 0) {
  const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-1)[0];
  console.log(`tstorch: the native backend did not build (${why}); using the reference backend`);
} else {
  console.log('tstorch: native backend built');
}
