import { z } from 'zod';

/**
 * A fault to inject into the next calls: for `count` calls, or for a share of calls (`percent`).
 * Most refuse the call before Graph does any work; `drop-after-processing` and `504-after-processing`
 * do the work first and then lose the answer, as a network or gateway failing after Graph ran it would;
 * `answer` gives a status and body of the test's choosing (a bodiless 431, a shape Graph has not sent yet).
 */
export const faultSchema = z
  .strictObject({
    kind: z.enum([
      '429',
      '500',
      '503',
      '504',
      'slow',
      'drop',
      'drop-after-processing',
      '504-after-processing',
      'answer',
    ]),
    count: z.number().int().positive().optional(),
    percent: z.number().min(0).max(100).optional(),
    /** For `slow`: how long to hold the answer (real milliseconds). */
    delayMs: z.number().int().nonnegative().default(2_000),
    /** For `429` and `503`: the Retry-After to send, in seconds. */
    retryAfterSeconds: z.number().nonnegative().default(1),
    /** Only calls whose path contains this text (e.g. `provisionOnDemand`). */
    path: z.string().optional(),
    /** For `answer`: the status to answer with (after running the call when it is a 2xx)… */
    status: z.number().int().min(200).max(599).default(200),
    /** …and the body, exactly (empty: none), as a gateway or a new Graph shape would. */
    body: z.string().default(''),
  })
  .refine((fault) => (fault.count === undefined) !== (fault.percent === undefined), {
    message: 'give exactly one of "count" (the next N calls) or "percent" (a share of calls)',
  });
export type Fault = z.infer<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

/** The faults waiting to be served, first match first. */
export class FaultPlan {
  #faults: Array<Fault & { id: number; served: number }> = [];
  #nextId = 1;

  /** Adds a fault (its defaults filled in); throws a ZodError naming the field of one that is not valid. */
  add(fault: FaultInput): number {
    const id = this.#nextId++;
    this.#faults.push({ ...faultSchema.parse(fault), id, served: 0 });
    return id;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): Array<Fault & { id: number; served: number }> {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** The fault to serve for this call, if any; counts it as served. */
  take(path: string, random: () => number = Math.random): Fault | undefined {
    for (const fault of this.#faults) {
      if (fault.path !== undefined && !path.includes(fault.path)) continue;
      if (fault.count !== undefined) {
        fault.served += 1;
        if (fault.served >= fault.count) this.#faults = this.#faults.filter((each) => each !== fault);
        return fault;
      }
      if (random() * 100 < (fault.percent ?? 0)) {
        fault.served += 1;
        return fault;
      }
    }
    return undefined;
  }
}
