export type { ProvisionAnswer } from './engine/provision-engine.js';
export { ProvisionEngine, ProvisionRequestError } from './engine/provision-engine.js';
export type { Fault, FaultInput } from './http/faults.js';
export { createSimulatorApp } from './http/simulator-app.js';
export type { RequestLogEntry } from './http/simulator-context.js';
export { SimulatorContext } from './http/simulator-context.js';
export { DELEGATED_SCOPES, DIRECTORY_ROLES } from './http/token-service.js';
export type { StatsSnapshot } from './http/traffic-stats.js';
export {
  CONSOLE_CLIENT_ID,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  defaultSeed,
  documentedIds,
  OWNED_BY_CLIENT_ID,
  READER_CLIENT_ID,
  stableGuid,
} from './seed/default-seed.js';
export { demoSeed, loadSeedFile, parseSeed, SeedError } from './seed/load-seed.js';
export type { Seed, SeedInput } from './seed/seed-schema.js';
export { seedSchema } from './seed/seed-schema.js';
export type { RunningSimulator, SimulatorReadyLine, StartSimulatorOptions } from './server.js';
export { startSimulator } from './server.js';
export { Tenant } from './tenant.js';
export type { ServerCertificates } from './tls/certificates.js';
export { createClientCertificate, createServerCertificates } from './tls/certificates.js';
