import { documentedIds as ids } from '@ondemand/simulator';
import { memoryIo } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

async function ondemand(args: string[]) {
  const { io, output, errors } = memoryIo();
  const code = await runCli(args, io);
  return { code, out: output(), err: errors() };
}

describe('ondemand users, groups and members', () => {
  it('finds users by name with the ids the other commands take', async () => {
    const { code, out } = await ondemand(['users', '--simulate', '--search', 'bianca']);
    expect(code).toBe(0);
    expect(out).toMatch(/^ID\s+NAME\s+USER NAME\n[0-9a-f-]{36}\s+Bianca Vance\s+bianca/);
  });

  it('finds groups, and lists a group’s members, searched by name; --json for scripts', async () => {
    const groups = await ondemand(['groups', '--simulate', '--search', 'project', '--json']);
    expect(JSON.parse(groups.out).map((group: { id: string }) => group.id)).toContain(ids.group);
    const members = await ondemand(['members', '--simulate', '--group', ids.group, '--search', 'member 1']);
    expect(members.code).toBe(0);
    expect(members.out).toContain(ids.groupMembers[0]);
    expect(members.out).not.toContain(ids.groupMembers[1]);
  });

  it('refuses members without --group, and a --top that is not a number, with exit 2', async () => {
    expect((await ondemand(['members', '--simulate'])).err).toMatch(/members needs --group ID/);
    const top = await ondemand(['users', '--simulate', '--top', 'many']);
    expect(top.code).toBe(2);
    expect(top.err).toMatch(/--top takes a whole number/);
  });
});
