#!/usr/bin/env node
import { runSimulatorCli } from './run-cli.js';

process.exitCode = await runSimulatorCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  untilStopped: () =>
    new Promise((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
    }),
});
