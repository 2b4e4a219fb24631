import type { RunningSimulator } from '@ondemand/simulator';

/**
 * The flags that connect a command to a running simulator as to a tenant: its URL, its CA, the demo
 * tenant and client. The secret is not among them: tests give it in the environment, as people should.
 */
export function simulatorFlags(sim: RunningSimulator): string[] {
  return ['--graph-url', sim.url, '--ca', sim.caFile!, '--tenant', sim.tenantId, '--client-id', sim.clientId];
}

/**
 * Runs `ondemand` in-process against a running simulator as against a tenant (its flags, the secret
 * in the environment): what a command prints and its exit code.
 */
export async function ondemandAgainst(
  sim: RunningSimulator,
  args: string[],
  options: { stdin?: string; isTTY?: boolean; cwd?: string } = {},
): Promise<{ code: number; out: string; err: string }> {
  const { memoryIo } = await import('@ondemand/test-utils');
  const { runCli } = await import('../src/run-cli.js');
  const run = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret }, ...options });
  const code = await runCli([...args, ...simulatorFlags(sim)], run.io);
  return { code, out: run.output(), err: run.errors() };
}
