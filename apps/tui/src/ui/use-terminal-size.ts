import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** The UI's width: the terminal's, up to 120 columns (wider lines are hard to read). */
const MAX_WIDTH = 120;

/**
 * The terminal's size now, following it as the window is resized; `fixed` sizes (tests, a caller
 * that knows) win. Read once at start, a UI drawn for 80 columns wraps into a mess at 60.
 */
export function useTerminalSize(fixed: { width?: number | undefined; height?: number | undefined } = {}): {
  width: number;
  height: number;
} {
  const { stdout } = useStdout();
  const measure = () => ({
    width: fixed.width ?? Math.min(stdout.columns || 80, MAX_WIDTH),
    height: fixed.height ?? (stdout.rows || 24),
  });
  const [size, setSize] = useState(measure);
  // biome-ignore lint/correctness/useExhaustiveDependencies: measure reads the same stdout and props
  useEffect(() => {
    const resized = () => setSize(measure());
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, fixed.width, fixed.height]);
  return size;
}
