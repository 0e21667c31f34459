// Bundles browser-entry.mjs (the AI SDK functions the chat page uses) into one ES module for the
// browser, with the locked esbuild: `node bundle.mjs [outfile]` (default ../../../target/ai-sdk/ai.js).
import { build } from 'esbuild';

await build({
  entryPoints: ['browser-entry.mjs'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  logLevel: 'warning',
  outfile: process.argv[2] ?? '../../../target/ai-sdk/ai.js',
});
