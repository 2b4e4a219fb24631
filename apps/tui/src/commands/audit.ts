import { OfflineVerifyError, verifyOffline as verifyStoredLog } from '@ondemand/audit-log';
import { AUDIT_ACTIONS, type AuditEntryView, describeVerdict, terminalSafe } from '@ondemand/core';
import type { AuditFilters, ProxyClient } from '@ondemand/transport';
import { z } from 'zod';
import { connectProxy, proxyConnectionOptions, proxyConnectionUsage } from '../connection.js';
import { badInput, CliError, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { onTerminal } from '../on-terminal.js';
import { parseArgs } from '../parse-args.js';
import { pointInTime } from '../point-in-time.js';
import {
  addNamesFromEntries,
  auditHeader,
  auditLine,
  auditTable,
  type KnownNames,
  namesFromApprovals,
} from '../render/audit-text.js';
import { outputWidth } from '../render/text.js';
import { wrapHelp } from '../render/wrap-help.js';

/** `audit`'s own flags (the proxy connection's are `connection.ts`'s); `verify`'s are in its usage line. */
const auditFlags = flagSet({
  since: {
    type: 'string',
    schema: z.string(),
    usage: ['--since T, --until T', 'an ISO time (2026-12-02T09:00:00Z) or an age: 30m, 12h, 7d'],
  },
  until: { type: 'string', schema: z.string() },
  principal: { type: 'string', schema: z.string(), usage: ['--principal P', 'entries of this principal'] },
  action: { type: 'string', schema: z.string(), usage: ['--action A', AUDIT_ACTIONS.join(', ')] },
  job: {
    type: 'string',
    schema: z.string(),
    usage: ['--job J, --subject S', 'entries about this job, or this subject (an object id)'],
  },
  subject: { type: 'string', schema: z.string() },
  follow: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--follow', 'print entries as they are written, from now (or from --since), until Ctrl-C'],
  },
  json: { type: 'boolean', schema: z.boolean(), usage: ['--json', 'one JSON entry per line'] },
  plain: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--plain', 'the table, not the screen, on a terminal'],
  },
  database: { type: 'string', schema: z.string() },
  store: { type: 'string', schema: z.string() },
  schema: { type: 'string', schema: z.string() },
  'public-key': { type: 'string', schema: z.string() },
  witness: { type: 'string', multiple: true, schema: z.array(z.string()) },
});

export const auditUsage = `Usage: ondemand audit [--since T] [--until T] [--principal P] [--action A] [--job J] [--subject S] [--follow] [--json]
       ondemand audit verify
       ondemand audit verify --database FILE | --store postgres://… [--schema NAME] [--public-key PEM] [--witness FILE]…

The proxy's audit log (auditor role): every request, decision, review, attempt, outcome and refusal.
On a terminal it opens the Audit screen (the chain's verdict at the top, the entries, the filters as
keys); --plain or a pipe prints a table of time, principal, action, app and subject (names where the
approvals know them) and outcome; NDJSON with --json; --follow keeps printing new entries until Ctrl-C.

"audit verify" checks the hash chain, the checkpoints and the witness through the proxy; with
--database or --store it reads the log where it is stored, without the proxy, and gives the same
verdict as "ondemand-proxy audit verify".

Options:
${auditFlags.usageLines(2, 25)}
  -h, --help             show this help

${proxyConnectionUsage}

Example:
  ondemand audit --since 1h --action outcome --proxy https://ondemand.corp.example --api-key-file ~/.ondemand-key
${exitCodesOf(
  [ExitCode.success, 'printed (verify: intact)'],
  [ExitCode.auditLogNotIntact, 'verify found problems'],
  ExitCode.badInput,
  [ExitCode.authOrConfig, 'the key, the connection or an unreachable store'],
  ExitCode.graphOrNetwork,
  [ExitCode.notAllowed, 'not an auditor'],
  ExitCode.interrupted,
)}`;

const filtersSchema = z.object({
  since: pointInTime('--since'),
  until: pointInTime('--until'),
  principal: z.string().optional(),
  action: z.enum(AUDIT_ACTIONS, { error: `--action is one of ${AUDIT_ACTIONS.join(', ')}` }).optional(),
  job: z.string().optional(),
  subject: z.string().optional(),
});

/** `ondemand audit`: read, follow and verify the proxy's audit log. */
export async function auditCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...proxyConnectionOptions, ...auditFlags.options }, auditUsage, {
    maxPositionals: 1,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(auditUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const [subcommand] = args.positionals;
  if (subcommand !== undefined && subcommand !== 'verify')
    throw badInput(`unknown audit command "${subcommand}": use "audit" or "audit verify"\n\n${auditUsage}`);
  if (subcommand === 'verify') {
    const values = args.values as Record<string, string | string[] | undefined>;
    if (values.database || values.store || io.env.ONDEMAND_STORE) return verifyOffline(values, io);
    return withProxy(args.values, io, async (proxy) => {
      const verdict = await proxy.verifyAudit();
      if (args.values.json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
      io.stderr.write(describeVerdict(verdict));
      return verdict.valid ? ExitCode.success : ExitCode.auditLogNotIntact;
    });
  }
  const parsed = filtersSchema.safeParse(args.values);
  if (!parsed.success) throw badInput(parsed.error.issues.map((issue) => issue.message).join('; '));
  const { since, until, ...rest } = parsed.data;
  const filters: AuditFilters = {
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    // Following starts now unless told where: the log can be long, and the new entries are the point.
    ...(since ? { from: since } : args.values.follow ? { from: new Date().toISOString() } : {}),
    ...(until ? { to: until } : {}),
  };
  if (!args.values.json && !args.values.follow && !args.values.plain && onTerminal(io)) {
    const [{ runProxyScreen }, { AuditScreen }] = await Promise.all([
      import('../ui/run-proxy-screen.js'),
      import('../ui/AuditScreen.js'),
    ]);
    return runProxyScreen(args.values, io, AuditScreen, { filters });
  }
  return withProxy(args.values, io, (proxy) =>
    printEntries(proxy, filters, io, {
      follow: args.values.follow === true,
      json: args.values.json === true,
    }),
  );
}

async function withProxy(
  values: Record<string, unknown>,
  io: CliIo,
  work: (proxy: ProxyClient) => Promise<number>,
): Promise<number> {
  const proxy = await connectProxy(values, io);
  try {
    return await work(proxy);
  } finally {
    await proxy.close();
  }
}

async function printEntries(
  proxy: ProxyClient,
  filters: AuditFilters,
  io: CliIo,
  options: { follow: boolean; json: boolean },
): Promise<number> {
  const width = outputWidth(io.stdout);
  const names = options.json ? new Map() : await knownNames(proxy);
  if (!options.follow) {
    const entries: AuditEntryView[] = [];
    for await (const entry of proxy.auditEntries(filters)) entries.push(entry);
    if (options.json) io.stdout.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    else
      io.stdout.write(
        entries.length === 0
          ? 'no entries match\n'
          : `${auditTable(terminalSafe(entries), addNamesFromEntries(names, terminalSafe(entries)), width)}\n`,
      );
    return ExitCode.success;
  }
  const { signal, release } = interruptSignal(io);
  if (!options.json) io.stdout.write(`${auditHeader(width)}\n`);
  try {
    for await (const entry of proxy.auditEntries(filters, { follow: true, signal }))
      io.stdout.write(
        options.json
          ? `${JSON.stringify(entry)}\n`
          : `${auditLine(terminalSafe(entry), addNamesFromEntries(names, [terminalSafe(entry)]), width)}\n`,
      );
    return ExitCode.success;
  } catch (error) {
    if (!signal.aborted) throw error;
    return ExitCode.interrupted;
  } finally {
    release();
  }
}

/** Names of apps and subjects from the approvals this principal may see (auditors see all). */
async function knownNames(proxy: ProxyClient): Promise<KnownNames> {
  const { approvals } = await proxy.listApprovals({ limit: 200 });
  return namesFromApprovals(terminalSafe(approvals));
}

/** The log where it is stored, read by the audit log's own verifier (the proxy's, too). */
async function verifyOffline(
  values: Record<string, string | string[] | undefined>,
  io: CliIo,
): Promise<number> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  try {
    const verdict = await verifyStoredLog({
      database: text('database'),
      storeUrl: text('store') ?? io.env.ONDEMAND_STORE,
      schema: text('schema') ?? io.env.ONDEMAND_STORE_SCHEMA,
      publicKeyFile: text('public-key'),
      witnessFiles: (values.witness as string[] | undefined) ?? [],
    });
    if (values.json) io.stdout.write(`${JSON.stringify(verdict)}\n`);
    io.stderr.write(describeVerdict(verdict));
    return verdict.valid ? ExitCode.success : ExitCode.auditLogNotIntact;
  } catch (error) {
    if (!(error instanceof OfflineVerifyError)) throw error;
    throw new CliError(error.message, error.kind === 'input' ? ExitCode.badInput : ExitCode.authOrConfig, {
      cause: error,
    });
  }
}
