/** How deeply a request body may nest, checked on its text before anything walks it. */

/** Request bodies nest arrays and objects at most this deep (a batch of events needs 3). */
export const MAX_JSON_DEPTH = 32;

/** How deep the arrays and objects of a JSON text nest, found in one pass without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) max = depth;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return max;
}
