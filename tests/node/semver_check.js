// Reference for iotlabel's npm / SemVer / Go ordering: npm's own `semver` package.
// Reads "a<TAB>b" lines from the file named by the first argument and prints, per line,
// -1 / 0 / 1 (semver.compare, which ignores build metadata) or E when either side is invalid.
'use strict';
const fs = require('fs');
const semver = require('semver');

const out = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (line === '') continue;
  const [a, b] = line.split('\t');
  const va = semver.valid(a);
  const vb = semver.valid(b);
  out.push(va === null || vb === null ? 'E' : String(semver.compare(va, vb)));
}
process.stdout.write(out.join('\n') + '\n');
