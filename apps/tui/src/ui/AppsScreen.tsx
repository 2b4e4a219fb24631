import { collect } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { Box, Text } from 'ink';
import type { Theme } from '../colour.js';
import { bind, MOVE_AND_PICK, type Navigation, quitBindings } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { SearchedList } from './SearchedList.js';
import { TextField } from './TextField.js';
import { useSearch } from './use-search.js';

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
  const search = useSearch<AppChoice>({
    find: async (text) => {
      const query = text.trim();
      const found = await collect(
        props.graph.findServicePrincipals(query ? { search: query, top: 25 } : { top: 25 }),
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
      return withJobs
        .filter((app) => app.jobs.length > 0)
        .map((app) => ({
          key: app.id,
          label: app.displayName,
          hint: `${app.jobs.length} job${app.jobs.length === 1 ? '' : 's'} · ${app.jobs.map((job) => job.templateId).join(', ')}`,
          value: app,
        }));
    },
    deps: [props.graph],
    onPick: props.onPick,
    onError: props.onError,
  });
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
          value={search.query}
          onChange={search.type}
          theme={props.theme}
          placeholder="type part of the app's name"
        />
      </Box>
      <SearchedList
        search={search}
        theme={props.theme}
        height={nav.listRows}
        lookingUp="looking up apps with provisioning jobs"
        empty="no app with a provisioning job matches"
      />
    </ScreenFrame>
  );
}
