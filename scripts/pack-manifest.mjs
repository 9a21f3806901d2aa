// The package.json a tarball carries: this repository's own without `prepare`, which regenerates the Prisma
// client of a checkout and means nothing to an app installing the package (npm 11 lists it as an install script
// to approve). `npm pack` / `npm publish` run `strip` in prepack and `restore` in postpack; the working copy is
// kept beside it, so a pack that fails in between is undone by the next `strip` or `restore`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const MANIFEST = 'package.json';
const KEPT = 'package.json.unpacked';
const INSTALL_TIME = ['preinstall', 'install', 'postinstall', 'prepare'];

function restore() {
  if (existsSync(KEPT)) renameSync(KEPT, MANIFEST);
}

function strip() {
  restore();
  const text = readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(text);
  for (const name of INSTALL_TIME) delete manifest.scripts?.[name];
  writeFileSync(KEPT, text);
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

const command = process.argv[2];
if (command === 'strip') strip();
else if (command === 'restore') restore();
else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
