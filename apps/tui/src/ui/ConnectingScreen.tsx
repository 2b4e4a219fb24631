import type { DeviceCodePrompt } from '@ondemand/transport';
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Theme } from '../colour.js';
import { bind, quitBindings } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';

/** A connection being opened: a simulator starting, or a device-code sign-in waiting for you. */
export function ConnectingScreen(props: {
  prompt?: DeviceCodePrompt | undefined;
  theme: Theme;
  onCancel: () => void;
  onQuit: () => void;
}) {
  const { theme, prompt } = props;
  return (
    <ScreenFrame
      theme={theme}
      bindings={[bind('Esc', 'cancel', props.onCancel), ...quitBindings(props.onQuit, { typing: false })]}
    >
      {prompt ? (
        <Box flexDirection="column">
          <Text bold>Sign in</Text>
          <Text wrap="wrap">{prompt.message}</Text>
          <Text color={theme.color('gray')}>
            <Spinner type="dots" /> waiting for you to finish signing in…
          </Text>
        </Box>
      ) : (
        <Text>
          <Spinner type="dots" /> connecting…
        </Text>
      )}
    </ScreenFrame>
  );
}
