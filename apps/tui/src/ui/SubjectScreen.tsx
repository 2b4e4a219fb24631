import {
  collect,
  looksLikeDistinguishedName,
  MAX_GROUP_MEMBERS_PER_CALL,
  parseDistinguishedName,
} from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { Box, Text, useInput } from 'ink';
import Spinner from 'ink-spinner';
import TextInput from 'ink-text-input';
import { useEffect, useState } from 'react';
import type { ProvisionTarget } from './model.js';
import { type ListItem, SelectList } from './SelectList.js';
import type { Theme } from './theme.js';
import { useDebounced } from './use-debounced.js';

type Subject = ProvisionTarget['subject'];

/**
 * Pick who to provision: a user or a group (Tab switches), searched as you type; for a group, up to
 * five of its members (Space toggles, Enter goes); for a cloud-sync job, an AD distinguished name.
 */
export function SubjectScreen(props: {
  graph: GraphClient;
  theme: Theme;
  cloudSync: boolean;
  onPick: (subject: Subject) => void;
  onError: (error: unknown) => void;
}) {
  const { graph, theme } = props;
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [query, setQuery] = useState('');
  const [dn, setDn] = useState('');
  const [dnProblem, setDnProblem] = useState<string | undefined>();
  const [group, setGroup] = useState<{ id: string; label: string } | undefined>();
  const search = useDebounced(query, 250);
  const [found, setFound] = useState<ListItem<{ id: string; label: string }>[] | undefined>();

  useInput((_input, key) => {
    if (key.tab && !props.cloudSync && !group) {
      setKind(kind === 'user' ? 'group' : 'user');
      setQuery('');
    }
  });

  useEffect(() => {
    if (props.cloudSync || group) return;
    let current = true;
    setFound(undefined);
    const source =
      kind === 'user' ? graph.searchUsers(search, { top: 20 }) : graph.searchGroups(search, { top: 20 });
    collect(source, 20)
      .then((items) => {
        if (!current) return;
        setFound(
          items.map((item) => {
            const label = item.displayName ?? item.id;
            const hint =
              'userPrincipalName' in item
                ? String(item.userPrincipalName ?? '')
                : String((item as { mailNickname?: string }).mailNickname ?? '');
            return { key: item.id, label, hint, value: { id: item.id, label } };
          }),
        );
      })
      .catch((error) => current && props.onError(error));
    return () => {
      current = false;
    };
  }, [kind, search, group, props.cloudSync, graph, props.onError]);

  if (props.cloudSync) {
    return (
      <Box flexDirection="column">
        <Text bold>Active Directory user to sync (distinguished name)</Text>
        <Box>
          <Text>DN: </Text>
          <TextInput
            value={dn}
            onChange={(value) => {
              setDn(value);
              setDnProblem(undefined);
            }}
            placeholder="CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com"
            onSubmit={(value) => {
              const parsed = parseDistinguishedName(value.trim());
              if (!parsed.ok || !looksLikeDistinguishedName(value))
                setDnProblem(
                  parsed.ok ? 'a distinguished name has several parts: CN=…,OU=…,DC=…' : parsed.error,
                );
              else props.onPick({ kind: 'dn', id: value.trim(), label: value.trim(), members: [] });
            }}
          />
        </Box>
        {dnProblem ? (
          <Text color={theme.color('red')}>{`✗ ${dnProblem} (escape commas inside a name as \\,)`}</Text>
        ) : null}
      </Box>
    );
  }

  if (group)
    return (
      <MembersPicker
        graph={graph}
        theme={theme}
        group={group}
        onDone={(members) => props.onPick({ kind: 'group', id: group.id, label: group.label, members })}
        onError={props.onError}
      />
    );

  return (
    <Box flexDirection="column">
      <Text bold>
        {'Provision a '}
        <Text color={theme.color('cyan')}>{kind}</Text>
        <Text color={theme.color('gray')}> (Tab: {kind === 'user' ? 'group' : 'user'} instead)</Text>
      </Text>
      <Box>
        <Text>Search: </Text>
        <TextInput
          value={query}
          onChange={setQuery}
          placeholder={kind === 'user' ? 'name, user name or mail' : "the group's name"}
        />
      </Box>
      {found === undefined ? (
        <Text color={theme.color('gray')}>
          <Spinner type="dots" /> searching…
        </Text>
      ) : (
        <SelectList
          items={found}
          theme={theme}
          onSelect={(picked) =>
            kind === 'user'
              ? props.onPick({ kind: 'user', id: picked.id, label: picked.label, members: [] })
              : setGroup(picked)
          }
          empty={`no ${kind} matches "${search}"`}
        />
      )}
    </Box>
  );
}

function MembersPicker(props: {
  graph: GraphClient;
  theme: Theme;
  group: { id: string; label: string };
  onDone: (members: Array<{ id: string; label: string }>) => void;
  onError: (error: unknown) => void;
}) {
  const [members, setMembers] = useState<Array<{ id: string; label: string }> | undefined>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [cursor, setCursor] = useState(0);
  useEffect(() => {
    collect(props.graph.listGroupMembers(props.group.id), 200)
      .then((users) => setMembers(users.map((user) => ({ id: user.id, label: user.displayName ?? user.id }))))
      .catch(props.onError);
  }, [props.graph, props.group.id, props.onError]);
  useInput((input, key) => {
    if (!members) return;
    if (key.upArrow) setCursor(Math.max(0, cursor - 1));
    else if (key.downArrow) setCursor(Math.min(members.length - 1, cursor + 1));
    else if (input === ' ' && members[cursor]) {
      const id = members[cursor].id;
      if (chosen.includes(id)) setChosen(chosen.filter((each) => each !== id));
      else if (chosen.length < MAX_GROUP_MEMBERS_PER_CALL) setChosen([...chosen, id]);
    } else if (key.return) props.onDone(members.filter((member) => chosen.includes(member.id)));
  });
  if (!members) {
    return (
      <Text color={props.theme.color('gray')}>
        <Spinner type="dots" /> reading the members of {props.group.label}…
      </Text>
    );
  }
  const start = Math.max(0, Math.min(cursor - 5, members.length - 10));
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
      {members.slice(start, start + 10).map((member, index) => (
        <Text
          key={member.id}
          color={start + index === cursor ? props.theme.color('cyan') : undefined}
          wrap="truncate-end"
        >
          {`${start + index === cursor ? '❯' : ' '} [${chosen.includes(member.id) ? 'x' : ' '}] ${member.label}`}
        </Text>
      ))}
    </Box>
  );
}
