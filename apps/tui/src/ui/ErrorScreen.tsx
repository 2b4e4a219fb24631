import { Text } from 'ink';
import type { Theme } from '../colour.js';
import { bind, quitBindings } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';

/** What went wrong, in words; Esc goes back to where it can be tried again. */
export function ErrorScreen(props: {
  message: string;
  theme: Theme;
  onBack: () => void;
  onQuit: () => void;
}) {
  const { theme } = props;
  return (
    <ScreenFrame
      theme={theme}
      bindings={[bind('Esc', 'back', props.onBack), ...quitBindings(props.onQuit, { typing: false })]}
    >
      <Text color={theme.color('red')} wrap="wrap">{`✗ ${props.message}`}</Text>
      <Text color={theme.color('gray')}>Esc goes back</Text>
    </ScreenFrame>
  );
}
