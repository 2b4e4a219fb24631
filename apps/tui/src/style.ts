import pc from 'picocolors';
import type { CliIo } from './io.js';

/** Colours for a stream: none when NO_COLOR is set (https://no-color.org) or the stream is not a terminal. */
export type Style = ReturnType<typeof pc.createColors>;

export function styleFor(io: Pick<CliIo, 'env' | 'stdout'>): Style {
  const wanted = io.env.NO_COLOR === undefined || io.env.NO_COLOR === '';
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  return pc.createColors(wanted && (forced || io.stdout.isTTY === true));
}
