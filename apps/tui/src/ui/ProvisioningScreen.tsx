import type { PendingApproval } from '@ondemand/transport';
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Theme } from '../colour.js';
import { stillNeeded } from '../render/approval-text.js';
import { bind, quitBindings } from './key-bindings.js';
import { describeTarget, type ProvisionTarget } from './model.js';
import { ScreenFrame } from './ScreenFrame.js';

/**
 * A provisioning call under way. Until it is written (it may wait for the rate window) Esc cancels it
 * and nothing is sent; once sent it runs to its end. Through the proxy a request may be held for
 * approval: then it says who must approve, and the keys stop waiting (the request stays pending) or
 * withdraw it.
 */
export function ProvisioningScreen(props: {
  target: ProvisionTarget;
  approval?: PendingApproval | undefined;
  /** The call has been written: Esc can no longer take it back. */
  sent: boolean;
  theme: Theme;
  onQuit: (how?: 'interrupt') => void;
  onCancel: () => void;
  onStopWaiting: () => void;
  onStopWaitingAndQuit: () => void;
  onWithdraw: () => void;
}) {
  const { approval, theme } = props;
  const waiting = approval?.state === 'pending';
  const bindings = waiting
    ? [
        bind('w', 'withdraw', props.onWithdraw),
        bind('Esc', 'stop waiting', props.onStopWaiting),
        ...quitBindings(props.onStopWaitingAndQuit, { typing: false, action: 'stop waiting and quit' }),
      ]
    : [
        ...(props.sent ? [] : [bind('Esc', 'cancel (not sent yet)', props.onCancel)]),
        ...quitBindings(props.onQuit, { typing: false }),
      ];
  return (
    <ScreenFrame theme={theme} bindings={bindings}>
      <Text>
        <Spinner type="dots" />
        {approval
          ? ` ${waiting ? 'waiting for approval' : approval.state}: ${describeTarget(props.target)}`
          : props.sent
            ? ` provisioning ${describeTarget(props.target)}: sent, waiting for the answer…`
            : ` provisioning ${describeTarget(props.target)}: waiting for the rate window (nothing sent yet)…`}
      </Text>
      {approval ? (
        <Text color={theme.color('gray')} wrap="wrap">
          {`The proxy holds this request until it has ${approval.required ? stillNeeded(approval) : 'an approval'}: ${approval.url}. Stopping the wait leaves it pending; w withdraws it.`}
        </Text>
      ) : null}
    </ScreenFrame>
  );
}
