#!/usr/bin/env node
const [{ runCli }, { processInterrupts }] = await Promise.all([
  import('./run-cli.js'),
  import('./interrupt.js'),
]);

// A reader that stops early (`ondemand … | head`) closes the pipe. The command still finishes (a
// bulk run is not abandoned half-way) and exits with its own code; what is left to print goes nowhere.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  onInterrupt: processInterrupts(),
});

// The command is done and has closed what it opened. Should anything else still hold the process (a
// library's timer, a socket it did not close), it does not get to keep it: the user asked to stop.
setTimeout(() => process.exit(), 1_000).unref();
