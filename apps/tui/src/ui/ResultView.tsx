import {
  type DecodedProvisionResponse,
  orderedSteps,
  propertyChanges,
  recommendedAction,
  statusMark,
  summarizeOutcome,
} from '@ondemand/core';
import { Box, Text } from 'ink';
import { MARKS } from '../render/report-text.js';
import type { Theme } from './theme.js';

/**
 * A provisioning result as the portal shows it, and more: the outcome in one line with what to do,
 * the steps in order with ✓ ✗ – marks (details for those that did not succeed), and the modified
 * properties old → new. `raw` swaps all that for Graph's body.
 */
export function ResultView(props: {
  result: DecodedProvisionResponse & { raw?: unknown; requestId?: string | undefined };
  theme: Theme;
  raw?: boolean;
  width?: number;
}) {
  const { result, theme } = props;
  const width = props.width ?? 80;
  if (props.raw) {
    const lines = JSON.stringify(result.raw ?? result, null, 2).split('\n');
    return (
      <Box flexDirection="column">
        {lines.slice(0, 18).map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
          <Text key={index} wrap="truncate-end">
            {line}
          </Text>
        ))}
        {lines.length > 18 ? (
          <Text
            color={theme.color('gray')}
          >{`… ${lines.length - 18} more lines (s saves the whole answer)`}</Text>
        ) : null}
      </Box>
    );
  }
  const report = result.report;
  const steps = orderedSteps(report);
  const changes = propertyChanges(report);
  const action = recommendedAction(result);
  const outcome = statusMark(result.result);
  const nameWidth = Math.min(28, Math.max(8, ...changes.map((change) => change.name.length)));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.mark(outcome)} wrap="wrap">
        {`${MARKS[outcome]} ${summarizeOutcome(result)}`}
      </Text>
      {action ? <Text color={theme.color('yellow')} wrap="wrap">{`What to do: ${action}`}</Text> : null}
      {steps.length === 0 ? (
        <Text color={theme.color('gray')} wrap="wrap">
          Graph sent no step report for this call (it does not for groups): each object's steps are in the
          provisioning logs.
        </Text>
      ) : (
        <Box flexDirection="column" marginTop={1}>
          {steps.map((step) => (
            <Box key={step.position} flexDirection="column">
              <Text wrap="truncate-end">
                <Text color={theme.mark(step.mark)}>{MARKS[step.mark]}</Text>
                {` ${step.type.padEnd(10)} `}
                <Text color={theme.color('gray')}>{step.description}</Text>
              </Text>
              {step.mark !== 'success'
                ? step.details
                    .slice(0, 4)
                    .map(([name, value]) => (
                      <Text
                        key={name}
                        color={theme.color('gray')}
                        wrap="truncate-end"
                      >{`    ${name}: ${value}`}</Text>
                    ))
                : null}
            </Box>
          ))}
        </Box>
      )}
      {changes.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{`Modified properties (${changes.length})`}</Text>
          {changes.slice(0, 8).map((change) => (
            <Text key={change.name} wrap="truncate-end">
              {`  ${change.name.slice(0, nameWidth).padEnd(nameWidth)}  `}
              <Text color={theme.color('gray')}>{change.oldValue ?? '(none)'}</Text>
              {' → '}
              <Text color={change.change === 'unchanged' ? undefined : theme.color('green')}>
                {change.newValue ?? '(none)'}
              </Text>
            </Text>
          ))}
          {changes.length > 8 ? (
            <Text
              color={theme.color('gray')}
            >{`  … ${changes.length - 8} more (j shows the raw answer)`}</Text>
          ) : null}
        </Box>
      ) : null}
      {result.requestId ? (
        <Text color={theme.color('gray')} wrap="truncate-end">
          {`request-id ${result.requestId}`.slice(0, width)}
        </Text>
      ) : null}
    </Box>
  );
}
