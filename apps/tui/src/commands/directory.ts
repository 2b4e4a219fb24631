import { collect } from '@ondemand/core';
import { z } from 'zod';
import { connectionOptions, connectionUsage } from '../connection.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { outputWidth, textTable } from '../render/text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

/** The most rows one lookup prints; `--top` asks for fewer or more. */
const DEFAULT_TOP = 25;

/** A lookup's own flags: `members` takes the group, and searches differently. */
function lookupFlags(command: 'users' | 'groups' | 'members') {
  const search = {
    type: 'string',
    schema: z.string(),
    usage: [
      '--search TEXT',
      command === 'members'
        ? 'only members whose name contains TEXT'
        : 'what the name starts with (Graph searches from the start of words)',
    ],
  } as const;
  const rest = {
    top: {
      type: 'string',
      schema: z.string(),
      usage: ['--top N', `at most N rows (default ${DEFAULT_TOP})`],
    },
    json: { type: 'boolean', schema: z.boolean(), usage: ['--json', 'print them as JSON'] },
  } as const;
  return command === 'members'
    ? flagSet({
        group: { type: 'string', schema: z.string(), usage: ['--group ID', 'the group'] },
        search,
        ...rest,
      })
    : flagSet({ search, ...rest });
}

const lookupUsage = (command: 'users' | 'groups' | 'members') => `Usage: ondemand ${
  command === 'members' ? 'members --group ID [--search TEXT]' : `${command} [--search TEXT]`
} [--top N] [--json]

${
  command === 'users'
    ? 'Finds users by name, user name or mail, with their object ids (what --user and bulk files take).'
    : command === 'groups'
      ? 'Finds groups by name or mail nickname, with their object ids (what --group takes).'
      : "Lists a group's members with their object ids (what --member takes); --search narrows them by name."
}

Options:
${lookupFlags(command).usageLines(2, 17)}
  -h, --help     show this help

${connectionUsage}

Example:
  ondemand ${command === 'members' ? 'members --simulate --group 8213fd99-d6b6-417b-8e13-af6334856215' : `${command} --simulate --search ${command === 'users' ? 'adele' : 'sales'}`}
${exitCodesOf([ExitCode.success, 'listed'], ExitCode.badInput, ExitCode.authOrConfig, ExitCode.graphOrNetwork)}`;

/** `ondemand users`, `groups` and `members`: look up the ids the other commands take. */
export function directoryCommand(command: 'users' | 'groups' | 'members') {
  return async (argv: string[], io: CliIo): Promise<number> => {
    const usage = lookupUsage(command);
    const args = parseArgs(argv, { ...connectionOptions, ...lookupFlags(command).options }, usage, {
      maxPositionals: 0,
    });
    if (args.help) {
      io.stdout.write(`${wrapHelp(usage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
      return ExitCode.success;
    }
    const top = args.values.top === undefined ? DEFAULT_TOP : Number(args.values.top);
    if (!Number.isInteger(top) || top < 1 || top > 999)
      throw badInput('--top takes a whole number from 1 to 999');
    const group = args.values.group as string | undefined;
    if (command === 'members' && !group) throw badInput(`members needs --group ID\n\n${usage}`);
    const search = String(args.values.search ?? '');
    return withConnection(args.values, io, async ({ graph }) => {
      const found =
        command === 'users'
          ? (await collect(graph.searchUsers(search, { top }), top)).map((user) => ({
              id: user.id,
              objectTypeName: 'User',
              displayName: user.displayName ?? null,
              detail: user.userPrincipalName ?? null,
            }))
          : command === 'groups'
            ? (await collect(graph.searchGroups(search, { top }), top)).map((each) => ({
                id: each.id,
                objectTypeName: 'Group',
                displayName: each.displayName ?? null,
                detail: each.mailNickname ?? null,
              }))
            : (await collect(graph.listGroupMembers(group!), 999))
                .filter((user) => (user.displayName ?? '').toLowerCase().includes(search.toLowerCase()))
                .slice(0, top)
                .map((user) => ({
                  id: user.id,
                  objectTypeName: 'User',
                  displayName: user.displayName ?? null,
                  detail: user.userPrincipalName ?? null,
                }));
      if (args.values.json) {
        io.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        return ExitCode.success;
      }
      if (found.length === 0) {
        io.stdout.write(
          `no ${command === 'groups' ? 'group' : 'user'} matches${search ? ` "${search}"` : ''}\n`,
        );
        return ExitCode.success;
      }
      io.stdout.write(
        `${textTable(
          ['ID', 'NAME', command === 'groups' ? 'MAIL NICKNAME' : 'USER NAME'],
          found.map((each) => [each.id, each.displayName ?? '', each.detail ?? '']),
          outputWidth(io.stdout),
        )}\n`,
      );
      if (found.length === top) io.stdout.write(`(the first ${top}: --search narrows, --top shows more)\n`);
      return ExitCode.success;
    });
  };
}
