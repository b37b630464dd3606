// Bundles the extension and its runtime dependencies (vscode-languageclient) into one file,
// so the .vsix works when packaged with --no-dependencies. `tsc` type-checks and builds the
// unit tests into out/; this bundle is what VS Code loads.
import * as esbuild from 'esbuild';

const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  await (await esbuild.context(options)).watch();
} else {
  await esbuild.build(options);
}
