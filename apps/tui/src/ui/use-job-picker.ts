import { useCallback } from 'react';
import type { Connection } from '../connection.js';
import type { AppChoice } from './AppsScreen.js';
import { subjectKindsOf } from './model.js';
import type { RuleChoice, Screen } from './navigation.js';
import type { Navigator } from './use-navigation.js';

/** A job picked: its rules read from its schema; one rule is chosen for you, several are listed. */
export function useJobPicker(options: {
  connection: Connection | undefined;
  nav: Navigator;
  fail: (error: unknown, back: Screen) => void;
}) {
  const { connection, nav, fail } = options;
  return useCallback(
    (app: AppChoice, job: AppChoice['jobs'][number]) => {
      if (!connection) return;
      connection.graph
        .getSynchronizationSchema(app.id, job.id)
        .then((schema) => {
          const rules: RuleChoice[] = schema.synchronizationRules.map((rule) => ({
            id: rule.id,
            name: rule.name ?? rule.id,
            route: `${rule.sourceDirectoryName ?? '?'} → ${rule.targetDirectoryName ?? '?'}`,
            kinds: subjectKindsOf(rule),
          }));
          const only = rules.length === 1 ? rules[0]! : undefined;
          if (only)
            nav.go({
              name: 'subject',
              target: {
                sp: { id: app.id, displayName: app.displayName },
                job,
                rule: { id: only.id, name: only.name, kinds: only.kinds },
              },
            });
          else nav.go({ name: 'rules', app, job, rules });
        })
        .catch((error) => fail(error, { name: 'apps' }));
    },
    [connection, fail, nav],
  );
}
