import { APPROVAL_STATES, type ApprovalView, terminalSafe } from '@ondemand/core';
import type { ProxyClient } from '@ondemand/transport';
import { readApprovalContext } from '@ondemand/transport';
import { z } from 'zod';
import { stoppedWaiting } from '../approvals/held-wait.js';
import { styleFor } from '../colour.js';
import { connectProxy, proxyConnectionOptions, proxyConnectionUsage } from '../connection.js';
import { badInput, ExitCode, exitCodeForEnd, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { onTerminal } from '../on-terminal.js';
import { parseArgs } from '../parse-args.js';
import { approvalDetails, approvalOutcome, approvalTable } from '../render/approval-text.js';
import { renderApprovalContext } from '../render/provisioning-text.js';
import { outputWidth } from '../render/text.js';
import { wrapHelp } from '../render/wrap-help.js';

/** `approvals`' own flags (the proxy connection's are `connection.ts`'s). */
const approvalsFlags = flagSet({
  state: { type: 'string', schema: z.string(), usage: ['--state STATE', APPROVAL_STATES.join(', ')] },
  requester: {
    type: 'string',
    schema: z.string(),
    usage: ['--requester P', "only this principal's requests"],
  },
  reason: { type: 'string', schema: z.string(), usage: ['--reason TEXT', 'why (approve, deny)'] },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print the approval (or the list) as JSON'],
  },
  plain: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--plain', 'print the list, not the inbox, on a terminal'],
  },
});

export const approvalsUsage = `Usage: ondemand approvals [list] [--state STATE] [--requester P] [--json]
       ondemand approvals show ID [--json]
       ondemand approvals approve ID --reason TEXT
       ondemand approvals deny ID --reason TEXT
       ondemand approvals withdraw ID
       ondemand approvals wait ID [--json]

Requests the proxy holds for a second person's approval. Approvers, auditors and admins see every
request; requesters see their own. On a terminal, "ondemand approvals" opens the inbox (kept
current as requests arrive and are decided); --plain or a pipe prints the list instead.

  list       newest first: id, state, who asked, age, time left, app and subject
  show       who asked and when, the rule that held it, the app, job, rule and each subject and
             member with names next to ids, the exact body and its SHA-256, the reviews so far,
             what is still needed and when it expires
  approve    approve it (approver role; never your own request); the reason goes into the audit log
  deny       deny it, with the reason the requester is told
  withdraw   withdraw your own pending request: it will never run
  wait       follow it until it has run (or never will) and print how it ended

Options:
${approvalsFlags.usageLines(2, 19)}
  -h, --help       show this help

${proxyConnectionUsage}

Examples:
  ondemand approvals --state pending --proxy https://ondemand.corp.example --api-key-file ~/.ondemand-key
  ondemand approvals approve 27d0c17e-098f-4781-b029-8b45e6362479 --reason "ticket CHG-1234"
${exitCodesOf(
  [ExitCode.success, 'done'],
  [ExitCode.notProvisioned, 'wait: it ran and failed'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
  ExitCode.notAllowed,
  ExitCode.ownRequest,
  ExitCode.alreadyDecided,
  ExitCode.expired,
  ExitCode.denied,
  ExitCode.withdrawn,
  [ExitCode.interrupted, 'stopped waiting (the request stays pending)'],
)}`;

const SUBCOMMANDS = ['list', 'show', 'approve', 'deny', 'withdraw', 'wait'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const listFiltersSchema = z.object({
  state: z.enum(APPROVAL_STATES, { error: `--state is one of ${APPROVAL_STATES.join(', ')}` }).optional(),
  requester: z.string().min(1, '--requester needs a principal').optional(),
});

/** `ondemand approvals`: list, show, review, withdraw and wait for held requests. */
export async function approvalsCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...proxyConnectionOptions, ...approvalsFlags.options }, approvalsUsage, {
    maxPositionals: 2,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(approvalsUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const [first, id] = args.positionals;
  const subcommand = (first ?? 'list') as Subcommand;
  if (!SUBCOMMANDS.includes(subcommand))
    throw badInput(
      `unknown approvals command "${first}": use ${SUBCOMMANDS.join(', ')}\n\n${approvalsUsage}`,
    );
  if (subcommand === 'list') {
    if (id !== undefined) throw badInput(`unexpected argument "${id}"\n\n${approvalsUsage}`);
  } else if (!id) throw badInput(`approvals ${subcommand} needs the approval's id\n\n${approvalsUsage}`);
  const reason = typeof args.values.reason === 'string' ? args.values.reason.trim() : '';
  if ((subcommand === 'approve' || subcommand === 'deny') && !reason)
    throw badInput(`approvals ${subcommand} needs --reason TEXT: it goes into the audit log`);
  const filters = listFiltersSchema.safeParse(args.values);
  if (!filters.success) throw badInput(filters.error.issues.map((issue) => issue.message).join('; '));
  const json = args.values.json === true;

  if (subcommand === 'list' && first === undefined && !json && !args.values.plain && onTerminal(io)) {
    const [{ runProxyScreen }, { ApprovalsInbox }] = await Promise.all([
      import('../ui/run-proxy-screen.js'),
      import('../ui/ApprovalsInbox.js'),
    ]);
    return runProxyScreen(args.values, io, ApprovalsInbox, { filters: filters.data });
  }

  const proxy = await connectProxy(args.values, io);
  try {
    switch (subcommand) {
      case 'list': {
        const { approvals } = await proxy.listApprovals(filters.data);
        io.stdout.write(
          json
            ? `${JSON.stringify(approvals, null, 2)}\n`
            : `${approvalTable(terminalSafe(approvals), Date.now(), outputWidth(io.stdout))}\n`,
        );
        return ExitCode.success;
      }
      case 'show': {
        const view = await proxy.getApproval(id!);
        print(io, view, json);
        // For whoever decides a pending request: the job's health and what the logs say of its subjects.
        if (!json && view.state === 'pending' && view.youMay?.review.allowed) {
          const graph = proxy.graphReads();
          try {
            const context = await readApprovalContext(graph, view);
            if (context)
              io.stdout.write(
                renderApprovalContext(context, { style: styleFor(io), width: outputWidth(io.stdout) }),
              );
          } finally {
            await graph.close();
          }
        }
        return ExitCode.success;
      }
      case 'approve':
      case 'deny': {
        const reviewed = await proxy.review(id!, subcommand, reason);
        // This approval decided it: what the run did is what the approver wants to know next.
        if (subcommand === 'approve' && (reviewed.state === 'approved' || reviewed.state === 'executing')) {
          const ran = await proxy.waitForApproval(id!, {});
          print(io, ran, json);
          if (!json) io.stdout.write(`approved by you; ${approvalOutcome(terminalSafe(ran)) ?? ran.state}\n`);
          return ExitCode.success;
        }
        print(io, reviewed, json);
        return ExitCode.success;
      }
      case 'withdraw':
        print(io, await proxy.withdraw(id!), json);
        return ExitCode.success;
      case 'wait':
        return await waitFor(proxy, id!, io, json);
    }
  } finally {
    await proxy.close();
  }
}

function print(io: CliIo, view: ApprovalView, json: boolean): void {
  io.stdout.write(
    json
      ? `${JSON.stringify(view, null, 2)}\n`
      : approvalDetails(terminalSafe(view), Date.now(), styleFor(io)),
  );
}

/** Follows one approval to its end; Ctrl-C stops waiting at once and leaves it as it is. */
async function waitFor(proxy: ProxyClient, id: string, io: CliIo, json: boolean): Promise<number> {
  const { signal, release } = interruptSignal(io);
  let last = '';
  try {
    const view = await proxy.waitForApproval(id, {
      signal,
      onChange: (approval) => {
        if (approval.state === last) return;
        last = approval.state;
        if (approval.state === 'pending')
          io.stderr.write(
            `waiting for approval: ${approval.url} (Ctrl-C stops waiting; the request stays pending)\n`,
          );
      },
    });
    if (json) io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    else io.stdout.write(`${approvalOutcome(terminalSafe(view)) ?? view.state}\n`);
    return exitCodeForEnd(view);
  } catch (error) {
    if (!signal.aborted) throw error;
    io.stderr.write(stoppedWaiting(id));
    return ExitCode.interrupted;
  } finally {
    release();
  }
}
