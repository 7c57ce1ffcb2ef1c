/**
 * The `k` largest logits of a step as [token id, logit] pairs, largest first: what a caller that compares two
 * runtimes (or shows alternatives) needs, without sending the whole vocabulary's row.
 */
export function topLogits(logits: Float32Array, k: number): Array<[number, number]> {
  const top: Array<[number, number]> = [];
  for (let id = 0; id < logits.length; id++) {
    const value = logits[id]!;
    if (top.length === k && value <= top[k - 1]![1]) continue;
    let at = top.length === k ? k - 1 : top.length;
    if (top.length === k) top.pop();
    while (at > 0 && top[at - 1]![1] < value) at--;
    top.splice(at, 0, [id, value]);
  }
  return top;
}
