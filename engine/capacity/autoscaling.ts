/**
 * Public-cloud autoscaling lag (format.md, "Replay semantics"): running instances follow the
 * needed count k = ceil(scaleOutDelaySeconds / Δ) steps late, r(t) = n(t − k), with n before
 * the start taken as n(0). One LagBank per site holds a ring of k + 1 counts for each of the
 * site's pairs in one flat Float64Array, so a step costs O(1) per pair and allocates nothing.
 */
export function lagSteps(delaySeconds: number, stepSeconds: number): number {
  return Math.max(0, Math.ceil(delaySeconds / stepSeconds - 1e-9));
}

export class LagBank {
  readonly k: number;
  private readonly width: number;
  private readonly ring: Float64Array;
  private readonly first: Float64Array;
  private cur = 0;
  private old = 0;

  constructor(readonly size: number, delaySeconds: number, stepSeconds: number) {
    this.k = lagSteps(delaySeconds, stepSeconds);
    this.width = this.k + 1;
    this.ring = new Float64Array(size * this.width);
    this.first = new Float64Array(size);
  }

  /** Call once per step before shift(). */
  begin(t: number): void {
    this.cur = t % this.width;
    this.old = (t - this.k + this.width * (1 + Math.ceil(this.k / this.width))) % this.width;
  }

  /** Records n(t) for member i and returns r(t) = n(t − k) (n(0) while t < k). */
  shift(t: number, i: number, n: number): number {
    if (t === 0) this.first[i] = n;
    const base = i * this.width;
    this.ring[base + this.cur] = n;
    return t >= this.k ? this.ring[base + this.old] : this.first[i];
  }
}
