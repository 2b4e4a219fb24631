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
  const app = render(
    createElement(App, {
      connect: (flags, onDeviceCode) => connect(flags, io, onDeviceCode),
      ...(hasFlags ? { initialFlags: values } : {}),
      env: io.env,
      cwd: io.cwd,
      width: Math.min(io.stdout.columns ?? 80, 120),
    }),
    { stdin: io.stdin as NodeJS.ReadStream, stdout: io.stdout as NodeJS.WriteStream, exitOnCtrlC: true },
  );
  await app.waitUntilExit();
  return ExitCode.success;
}
