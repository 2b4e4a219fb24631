import type { RunningSimulator } from '@ondemand/simulator';

/**
 * The flags that connect a command to a running simulator as to a tenant: its URL, its CA, the demo
 * tenant and client. The secret is not among them: tests give it in the environment, as people should.
 */
export function simulatorFlags(sim: RunningSimulator): string[] {
  return ['--graph-url', sim.url, '--ca', sim.caFile!, '--tenant', sim.tenantId, '--client-id', sim.clientId];
}
