export { CliError, ExitCode } from './exit-codes.js';
export type { CliIo } from './io.js';
export { renderReportText } from './render/report-text.js';
export { runCli } from './run-cli.js';
