import { Text } from 'ink';
import type { Theme } from '../colour.js';
import { bind, type Navigation, proxyBindings, quitBindings, shown } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { type ListItem, SelectList } from './SelectList.js';

/** A screen that is a title and a list to pick from: a job, a rule, a provision of this session. */
export function ListScreen<T>(props: {
  title: string;
  items: ListItem<T>[];
  onSelect: (value: T) => void;
  nav: Navigation;
  theme: Theme;
  /** What Enter does, for the help bar. */
  enter?: string;
  empty?: string;
}) {
  const { nav, theme } = props;
  return (
    <ScreenFrame
      theme={theme}
      bindings={[
        shown('↑↓', 'move'),
        shown('Enter', props.enter ?? 'pick'),
        ...proxyBindings(nav),
        bind('Esc', nav.backLabel, nav.back),
        ...quitBindings(nav.quit, { typing: false }),
      ]}
    >
      <Text bold>{props.title}</Text>
      <SelectList
        items={props.items}
        theme={theme}
        onSelect={props.onSelect}
        {...(nav.listRows ? { height: nav.listRows } : {})}
        {...(props.empty ? { empty: props.empty } : {})}
      />
    </ScreenFrame>
  );
}
