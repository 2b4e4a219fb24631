import { collect, distinguishedNameProblem, MAX_GROUP_MEMBERS_PER_CALL, trimUnescaped } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useRef, useState } from 'react';
import type { Theme } from '../colour.js';
import {
  bind,
  type KeyBinding,
  MOVE_AND_PICK,
  type Navigation,
  quitBindings,
  shown,
} from './key-bindings.js';
import type { ProvisionTarget, SubjectKind } from './model.js';
import { ScreenFrame } from './ScreenFrame.js';
import { SearchedList } from './SearchedList.js';
import { TextField } from './TextField.js';
import { useCursor } from './use-cursor.js';
import { useKeys } from './use-keys.js';
import { useSearch } from './use-search.js';

type Subject = ProvisionTarget['subject'];

/**
 * Pick who to provision, among the kinds the rule maps: a user or a group (Tab switches when the rule
 * maps both), searched as you type; for a group, up to five of its members (Tab toggles, so a name
 * with a space can be typed; Enter goes); for a cloud-sync job, an AD distinguished name.
 */
export function SubjectScreen(props: {
  graph: GraphClient;
  theme: Theme;
  nav: Navigation;
  /** Where the subject is provisioned to: app, job and rule. */
  heading?: string;
  /** A line to show above the search (what became of a request one stopped waiting for). */
  notice?: string | undefined;
  /** What the rule provisions (its schema's object mappings): only these can be picked. */
  kinds: readonly SubjectKind[];
  /** The distinguished name picked here before (coming back with Esc): shown again, to edit. */
  initialDn?: string;
  onPick: (subject: Subject) => void;
  onError: (error: unknown) => void;
}) {
  const { graph, theme, nav } = props;
  const cloudSync = props.kinds.includes('dn');
  const both = props.kinds.includes('user') && props.kinds.includes('group');
  const [kind, setKind] = useState<'user' | 'group'>(props.kinds.includes('user') ? 'user' : 'group');
  const [group, setGroup] = useState<{ id: string; label: string } | undefined>();
  const search = useSearch<{ id: string; label: string }>({
    find: async (text) => {
      if (cloudSync) return [];
      const source =
        kind === 'user' ? graph.searchUsers(text, { top: 20 }) : graph.searchGroups(text, { top: 20 });
      return (await collect(source, 20)).map((item) => {
        const label = item.displayName ?? item.id;
        const hint =
          'userPrincipalName' in item
            ? String(item.userPrincipalName ?? '')
            : String((item as { mailNickname?: string }).mailNickname ?? '');
        return { key: item.id, label, hint, value: { id: item.id, label } };
      });
    },
    deps: [kind, graph, cloudSync],
    onPick: (picked) =>
      kind === 'user'
        ? props.onPick({ kind: 'user', id: picked.id, label: picked.label, members: [] })
        : setGroup(picked),
    onError: props.onError,
  });

  const switchKind = () => {
    setKind(kind === 'user' ? 'group' : 'user');
    search.clear();
  };

  // Each way of picking has its own keys; Esc from the members goes back to the group search.
  const back = bind('Esc', 'back', group ? () => setGroup(undefined) : nav.back);
  const quit = quitBindings(nav.quit, { typing: true });
  const bindings: KeyBinding[] = cloudSync
    ? [shown('Enter', 'provision'), back, ...quit]
    : group
      ? [shown('↑↓', 'move'), shown('Tab', 'choose'), shown('Enter', 'provision'), back, ...quit]
      : [
          ...MOVE_AND_PICK,
          ...(both ? [bind('Tab', kind === 'user' ? 'group instead' : 'user instead', switchKind)] : []),
          back,
          ...quit,
        ];

  return (
    <ScreenFrame theme={theme} bindings={bindings}>
      {props.heading ? (
        <Text color={theme.color('gray')} wrap="truncate-end">
          {props.heading}
        </Text>
      ) : null}
      {props.notice ? (
        <Text color={theme.color('yellow')} wrap="wrap">
          {props.notice}
        </Text>
      ) : null}
      {cloudSync ? (
        <DistinguishedNameField theme={theme} onPick={props.onPick} initial={props.initialDn ?? ''} />
      ) : group ? (
        <MembersPicker
          graph={graph}
          theme={theme}
          group={group}
          onDone={(members) => props.onPick({ kind: 'group', id: group.id, label: group.label, members })}
          onError={props.onError}
        />
      ) : (
        <Box flexDirection="column">
          <Text bold>
            {'Provision a '}
            <Text color={theme.color('cyan')}>{kind}</Text>
            <Text color={theme.color('gray')}>
              {both
                ? ` (Tab: ${kind === 'user' ? 'group' : 'user'} instead)`
                : ` (the rule maps ${kind}s only)`}
            </Text>
          </Text>
          <Box>
            <Text>Search: </Text>
            <TextField
              value={search.query}
              onChange={search.type}
              theme={theme}
              placeholder={kind === 'user' ? 'name, user name or mail' : "the group's name"}
            />
          </Box>
          <SearchedList
            search={search}
            theme={theme}
            height={nav.listRows}
            lookingUp="searching"
            empty={`no ${kind} matches "${search.query}"`}
          />
        </Box>
      )}
    </ScreenFrame>
  );
}

/** An AD user for cloud sync, by distinguished name: checked with core's one rule before it is sent. */
function DistinguishedNameField(props: {
  theme: Theme;
  onPick: (subject: Subject) => void;
  initial: string;
}) {
  const { theme } = props;
  const [dn, setDn] = useState(props.initial);
  const [dnProblem, setDnProblem] = useState<string | undefined>();
  return (
    <Box flexDirection="column">
      <Text bold>Active Directory user to sync (distinguished name)</Text>
      <Box>
        <Text>DN: </Text>
        <TextField
          value={dn}
          theme={theme}
          onChange={(value) => {
            setDn(value);
            setDnProblem(undefined);
          }}
          placeholder="CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com"
          onSubmit={(value) => {
            const problem = distinguishedNameProblem(value);
            if (problem) setDnProblem(problem);
            else
              props.onPick({
                kind: 'dn',
                id: trimUnescaped(value),
                label: trimUnescaped(value),
                members: [],
              });
          }}
        />
      </Box>
      {dnProblem ? <Text color={theme.color('red')}>{`✗ ${dnProblem}`}</Text> : null}
    </Box>
  );
}

/** How many of a group's members are read for picking; the search filters those. */
const MEMBERS_READ = 200;

function MembersPicker(props: {
  graph: GraphClient;
  theme: Theme;
  group: { id: string; label: string };
  onDone: (members: Array<{ id: string; label: string }>) => void;
  onError: (error: unknown) => void;
}) {
  const [members, setMembers] = useState<Array<{ id: string; label: string }> | undefined>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  useEffect(() => {
    collect(props.graph.listGroupMembers(props.group.id), MEMBERS_READ)
      .then((users) => setMembers(users.map((user) => ({ id: user.id, label: user.displayName ?? user.id }))))
      .catch(props.onError);
  }, [props.graph, props.group.id, props.onError]);
  // The text as of the last key: a Tab typed right after it chooses from what it shows.
  const typed = useRef('');
  const matching = (text: string) => {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    return (members ?? []).filter((member) =>
      words.every((word) => member.label.toLowerCase().includes(word)),
    );
  };
  const shown = matching(query);
  const cursor = useCursor(shown.length);
  useKeys((_input, key) => {
    if (!members) return;
    const at = matching(typed.current)[cursor.at];
    if (key.upArrow) cursor.move(-1);
    else if (key.downArrow) cursor.move(1);
    else if (key.tab && at) {
      setChosen((current) =>
        current.includes(at.id)
          ? current.filter((each) => each !== at.id)
          : current.length < MAX_GROUP_MEMBERS_PER_CALL
            ? [...current, at.id]
            : current,
      );
    } else if (key.return) props.onDone(members.filter((member) => chosen.includes(member.id)));
  });
  if (!members) {
    return (
      <Text color={props.theme.color('gray')}>
        <Spinner type="dots" /> reading the members of {props.group.label}…
      </Text>
    );
  }
  const position = cursor.at;
  const start = Math.max(0, Math.min(position - 5, shown.length - 10));
  return (
    <Box flexDirection="column">
      <Text
        bold
      >{`Members of ${props.group.label} to provision with it (${chosen.length}/${MAX_GROUP_MEMBERS_PER_CALL} chosen; on demand takes at most ${MAX_GROUP_MEMBERS_PER_CALL})`}</Text>
      {members.length === 0 ? (
        <Text color={props.theme.color('gray')}>
          the group has no members: Enter provisions the group alone
        </Text>
      ) : null}
      {members.length > 0 ? (
        <Box>
          <Text>Search: </Text>
          <TextField
            value={query}
            onChange={(text) => {
              typed.current = text;
              setQuery(text);
            }}
            theme={props.theme}
            placeholder="type part of a name (Tab chooses)"
          />
        </Box>
      ) : null}
      {shown.slice(start, start + 10).map((member, index) => (
        <Text
          key={member.id}
          color={start + index === position ? props.theme.color('cyan') : undefined}
          wrap="truncate-end"
        >
          {`${start + index === position ? '❯' : ' '} [${chosen.includes(member.id) ? 'x' : ' '}] ${member.label}`}
        </Text>
      ))}
      {shown.length > 10 ? (
        <Text
          color={props.theme.color('gray')}
        >{`  ${position + 1}/${shown.length}: more than fit; typing searches them all`}</Text>
      ) : null}
      {members.length > 0 && shown.length === 0 ? (
        <Text color={props.theme.color('gray')}>{`no member matches "${query}"`}</Text>
      ) : null}
    </Box>
  );
}
