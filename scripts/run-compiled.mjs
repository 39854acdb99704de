/**
 * node scripts/run-compiled.mjs <entry.ts> [args...]
 *
 * Runs a TypeScript entry point compiled ahead, in memory, into one module by esbuild (the
 * packages stay in node_modules), for the long-running processes (`npm run worker`). tsx, which
 * runs the other scripts, compiles each module as it is loaded and keeps every function's name by
 * wrapping each closure in a call that defines its `name` when it is created: in the rescore's hot
 * loops that is a property definition per closure, about 4% of the worker's instructions
 * (docs/benchmarks.md). The entry runs as if it were `entry`: its imports and `process.argv[1]`
 * are resolved from there, and stack traces point into the TypeScript sources.
 */
import { build } from 'esbuild';
import Module from 'node:module';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-compiled.mjs <entry.ts> [args...]');
  process.exit(2);
}
const filename = path.resolve(entry);
const { outputFiles } = await build({
  entryPoints: [filename],
  // Not written: named beside the entry so that the source map's paths resolve from there.
  outfile: filename.replace(/\.ts$/, '.compiled.cjs'),
  bundle: true,
  write: false,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  packages: 'external',
  sourcemap: 'inline',
  tsconfig: path.resolve('tsconfig.json'),
  logLevel: 'warning',
});
process.argv = [process.argv[0], filename, ...args];
process.setSourceMapsEnabled(true);
const main = new Module(filename);
main.filename = filename;
main.paths = Module._nodeModulePaths(path.dirname(filename));
main._compile(outputFiles[0].text, filename);
