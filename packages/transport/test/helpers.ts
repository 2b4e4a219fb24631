import { PROVISION_ON_DEMAND_LIMIT } from '@ondemand/core';
import { defaultSeed, parseSeed, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { createGraphClient, type GraphClientOptions } from '../src/index.js';

export const TIME_SCALE = 10;
/** Graph's window as the time-scaled simulator runs it. */
export const WINDOW_MS = PROVISION_ON_DEMAND_LIMIT.windowMs / TIME_SCALE;

/** A time-scaled simulator with one more app that signs in with a certificate. */
export async function startTestSimulator(certificatePem?: string): Promise<RunningSimulator> {
  const seed = defaultSeed();
  if (certificatePem) {
    seed.clients.push({
      clientId: 'd9c5b4f3-8a6e-4fbe-9c9d-3a4f5e6d7c8b',
      displayName: 'certificate app',
      certificates: [certificatePem],
      permissions: ['Synchronization.ReadWrite.All'],
    });
  }
  return startSimulator({ timeScale: TIME_SCALE, seed: parseSeed(seed) });
}

/** A client for the simulator with the demo app's secret and the scaled window. */
export function clientFor(sim: RunningSimulator, options: Partial<GraphClientOptions> = {}) {
  return createGraphClient({
    baseUrl: sim.url,
    ca: sim.caPem,
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    // The simulator shares this test's event loop (and CI runs several test suites at once), so it
    // counts calls later than Graph would: a quarter-window margin keeps that from looking like a burst.
    rateLimit: { limit: PROVISION_ON_DEMAND_LIMIT.limit, windowMs: WINDOW_MS, marginMs: WINDOW_MS / 4 },
    env: {},
    ...options,
  });
}

/** Calls the simulator's control API. */
export async function control(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const { Agent, request } = await import('undici');
  const answer = await request(`${sim.url}/_sim${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${sim.controlToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: new Agent({ connect: { ca: sim.caPem } }),
  });
  const text = await answer.body.text();
  return text ? JSON.parse(text) : undefined;
}
