#!/usr/bin/env node
// React (under Ink) runs its development build unless told otherwise: slower, and noisy.
process.env.NODE_ENV ??= 'production';
const { runCli } = await import('./run-cli.js');

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
