import { MemoryLimiterStore, PROVISION_ON_DEMAND_LIMIT } from '@ondemand/core';
import { ProvisionEngine } from '../engine/provision-engine.js';
import { ProvisioningLog } from '../engine/provisioning-log.js';
import { ProvisioningService } from '../engine/provisioning-service.js';
import { SimClock } from '../engine/sim-clock.js';
import type { Seed } from '../seed/seed-schema.js';
import { Tenant } from '../tenant.js';
import { FaultPlan } from './faults.js';
import { TokenService } from './token-service.js';
import { TrafficStats } from './traffic-stats.js';

/** One entry of `GET /_sim/requests`. */
export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
  clientRequestId: string | undefined;
  clientId: string | undefined;
}

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface SimulatorOptions {
  seed: Seed;
  /** How many times faster than real time the rate windows run (10: the 10 s window lasts 1 s). */
  timeScale?: number;
  controlToken: string;
}

/** Everything the simulator's routes share: tenant, tokens, engine, limits, faults, logs. */
export class SimulatorContext {
  readonly tenant: Tenant;
  readonly engine: ProvisionEngine;
  readonly clock: SimClock;
  /** Jobs over time: health, cycles, and the provisioning log. */
  readonly service: ProvisioningService;
  readonly faults = new FaultPlan();
  readonly timeScale: number;
  readonly controlToken: string;
  /** Graph's provisionOnDemand limit, per app (null: off, for benchmarks). */
  provisionLimit: Limit | null;
  /** A looser limit for every other Graph call, per client. */
  readLimit: Limit;
  /** Graph's reports limit for the provisioning logs: 5 requests per 10 s per app and tenant. */
  reportsLimit: Limit;
  limiterStore = new MemoryLimiterStore();
  stats: TrafficStats;
  requestLog: RequestLogEntry[] = [];
  readonly deviceCodes = new Map<
    string,
    { userCode: string; clientId: string; expiresAt: number; userId?: string; denied?: boolean }
  >();
  readonly refreshTokens = new Map<string, { clientId: string; userId: string }>();
  /** Codes the authorization endpoint gave, until the token endpoint takes them (once, within 10 min). */
  readonly authorizationCodes = new Map<
    string,
    {
      clientId: string;
      redirectUri: string;
      userId: string;
      codeChallenge: string;
      nonce: string | undefined;
      expiresAt: number;
    }
  >();

  private constructor(
    options: SimulatorOptions,
    readonly tokens: TokenService,
  ) {
    this.tenant = new Tenant(options.seed);
    this.timeScale = options.timeScale ?? 1;
    this.clock = new SimClock(this.timeScale);
    this.engine = new ProvisionEngine(this.tenant, () => this.clock.date());
    this.service = new ProvisioningService(
      this.tenant,
      this.engine,
      this.clock,
      new ProvisioningLog(this.clock, options.seed.tenantId),
    );
    this.engine.credentialsRefused = (jobState) => this.service.steering(jobState).credentialsExpired;
    this.controlToken = options.controlToken;
    this.provisionLimit = SimulatorContext.#provisionLimit(this.timeScale);
    this.readLimit = { limit: 2_000, windowMs: 10_000 / this.timeScale };
    this.reportsLimit = { limit: 5, windowMs: 10_000 / this.timeScale };
    this.stats = new TrafficStats(this.provisionLimit.windowMs);
  }

  /** Graph's documented limit, on the simulator's clock. */
  static #provisionLimit(timeScale: number) {
    return {
      limit: PROVISION_ON_DEMAND_LIMIT.limit,
      windowMs: PROVISION_ON_DEMAND_LIMIT.windowMs / timeScale,
    };
  }

  static async create(options: SimulatorOptions): Promise<SimulatorContext> {
    return new SimulatorContext(options, await TokenService.create());
  }

  /** Back to the seed: objects, targets, counters, faults and limits. */
  reset(): void {
    this.tenant.reset();
    this.clock.reset();
    this.engine.exportFaults.clear();
    this.service.reset();
    this.faults.clear();
    this.limiterStore = new MemoryLimiterStore();
    this.provisionLimit = SimulatorContext.#provisionLimit(this.timeScale);
    this.stats = new TrafficStats(this.provisionLimit.windowMs);
    this.requestLog = [];
    this.deviceCodes.clear();
    this.refreshTokens.clear();
    this.authorizationCodes.clear();
  }

  log(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    // Trim in batches: a splice per request made logging the simulator's slowest part under load.
    if (this.requestLog.length > 10_000) this.requestLog = this.requestLog.slice(-5_000);
  }
}
