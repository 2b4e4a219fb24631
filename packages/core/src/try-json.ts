/** `JSON.parse`, or `undefined` for text that is not JSON: for bodies that may be HTML, empty or cut off. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
