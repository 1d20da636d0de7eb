/**
 * Public-cloud autoscaling lag (format.md, "Replay semantics"): running instances follow the
 * needed count k = ceil(scaleOutDelaySeconds / Δ) steps late, r(t) = n(t − k), with n before
 * the start taken as n(0). A ring buffer of k + 1 counts per pair keeps it O(1) per step.
 */
export class LagLine {
  readonly k: number;
  private readonly ring: Float64Array;
  private first = NaN;

  constructor(delaySeconds: number, stepSeconds: number) {
    this.k = Math.max(0, Math.ceil(delaySeconds / stepSeconds - 1e-9));
    this.ring = new Float64Array(this.k + 1);
  }

  /** Records n(t) and returns r(t) = n(t − k). Call once per step, in order. */
  push(t: number, n: number): number {
    if (t === 0) this.first = n;
    this.ring[t % (this.k + 1)] = n;
    return t >= this.k ? this.ring[(t - this.k) % (this.k + 1)] : this.first;
  }
}

export function lagSteps(delaySeconds: number, stepSeconds: number): number {
  return Math.max(0, Math.ceil(delaySeconds / stepSeconds - 1e-9));
}
