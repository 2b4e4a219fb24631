/**
 * Formats a path into a value the way a reader of JSON writes it: `parameters[0].subjects[1].objectId`.
 *
 * @example formatIssuePath(['value', 'provisioningSteps', 2, 'status']) // 'value.provisioningSteps[2].status'
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(the body)' : text;
}

/** One problem found in an input, with where it is and what to do about it. */
export interface InputIssue {
  /** JSON path of the offending value, e.g. `parameters[0].ruleId`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}
