import { collect } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect, useState } from 'react';
import type { Theme } from '../colour.js';
import { bind, MOVE_AND_PICK, type Navigation, quitBindings } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { type ListItem, SelectList } from './SelectList.js';
import { TextField } from './TextField.js';
import { useDebounced } from './use-debounced.js';

export interface AppChoice {
  id: string;
  displayName: string;
  jobs: Array<{ id: string; templateId: string }>;
}

/** Search apps as you type; only apps that have provisioning jobs are listed. */
export function AppsScreen(props: {
  graph: GraphClient;
  theme: Theme;
  nav: Navigation;
  onPick: (app: AppChoice) => void;
  onError: (error: unknown) => void;
}) {
  const { nav } = props;
  const [query, setQuery] = useState('');
  const search = useDebounced(query, 250);
  const [apps, setApps] = useState<AppChoice[] | undefined>();
  useEffect(() => {
    let current = true;
    setApps(undefined);
    (async () => {
      const found = await collect(
        props.graph.findServicePrincipals(search.trim() ? { search: search.trim(), top: 25 } : { top: 25 }),
        25,
      );
      // Which of them can provision: their jobs, looked up side by side.
      const withJobs = await Promise.all(
        found.map(async (sp) => ({
          id: sp.id,
          displayName: sp.displayName ?? sp.id,
          jobs: (await collect(props.graph.listSynchronizationJobs(sp.id))).map((job) => ({
            id: job.id,
            templateId: job.templateId ?? '',
          })),
        })),
      );
      if (current) setApps(withJobs.filter((app) => app.jobs.length > 0));
    })().catch((error) => current && props.onError(error));
    return () => {
      current = false;
    };
  }, [search, props.graph, props.onError]);
  const items: ListItem<AppChoice>[] = (apps ?? []).map((app) => ({
    key: app.id,
    label: app.displayName,
    hint: `${app.jobs.length} job${app.jobs.length === 1 ? '' : 's'} · ${app.jobs.map((job) => job.templateId).join(', ')}`,
    value: app,
  }));
  return (
    <ScreenFrame
      theme={props.theme}
      bindings={[
        ...MOVE_AND_PICK,
        ...(nav.proxy ? [bind('Tab', 'approvals', nav.proxy.approvals)] : []),
        bind('Esc', nav.backLabel, nav.back),
        ...quitBindings(nav.quit, { typing: true }),
      ]}
    >
      <Text bold>Pick the app to provision into</Text>
      <Box>
        <Text>Search: </Text>
        <TextField
          value={query}
          onChange={setQuery}
          theme={props.theme}
          placeholder="type part of the app's name"
        />
      </Box>
      {apps === undefined ? (
        <Text color={props.theme.color('gray')}>
          <Spinner type="dots" /> looking up apps with provisioning jobs…
        </Text>
      ) : (
        <SelectList
          searchable
          items={items}
          onSelect={props.onPick}
          theme={props.theme}
          empty="no app with a provisioning job matches"
        />
      )}
    </ScreenFrame>
  );
}
