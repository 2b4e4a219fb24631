import { render } from 'ink';
import { createElement } from 'react';
import { connect } from '../connection.js';
import { badInput, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { App } from '../ui/App.js';

/**
 * The interactive UI, on a terminal only. Starts connected when connection flags were given
 * (`ondemand --simulate`), else asks how to connect. Restores the terminal on q and Ctrl-C.
 */
export async function interactiveCommand(values: Record<string, unknown>, io: CliIo): Promise<number> {
  if (!(io.stdin as { isTTY?: boolean }).isTTY || !io.stdout.isTTY) {
    throw badInput('the interactive UI needs a terminal: run a command instead (ondemand --help lists them)');
  }
  const hasFlags = Object.values(values).some((value) => value !== undefined);
  const notes: string[] = [];
  const closing: Array<Promise<void>> = [];
  let interrupted = false;
  const app = render(
    createElement(App, {
      connect: (flags, onDeviceCode) => connect(flags, io, onDeviceCode),
      ...(hasFlags ? { initialFlags: values } : {}),
      env: io.env,
      cwd: io.cwd,
      onExitNote: (note) => notes.push(note),
      onLeave: (done) => closing.push(done),
      onInterrupted: () => {
        interrupted = true;
      },
    }),
    // Ctrl-C is the App's: it stops what is in flight (a wait for approval, a sign-in) before exiting.
    { stdin: io.stdin as NodeJS.ReadStream, stdout: io.stdout as NodeJS.WriteStream, exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  // A simulator still starting, a sign-in under way: closed before the command returns.
  await Promise.all(closing);
  for (const note of notes) io.stderr.write(`${note}\n`);
  return notes.length > 0 || interrupted ? ExitCode.interrupted : ExitCode.success;
}
