/**
 * Public-cloud autoscaling lag (format.md, "Replay semantics"): running instances follow the
 * needed count k = ceil(scaleOutDelaySeconds / Δ) steps late, r(t) = n(t − k), with n before
 * the start taken as n(0). One LagBank per site holds a ring of k + 1 counts for each of the
 * site's pairs in one flat Float64Array, slot by slot, so a step writes one contiguous slot and
 * reads another, costs O(1) per pair and allocates nothing.
 */
export function lagSteps(delaySeconds: number, stepSeconds: number): number {
  return Math.max(0, Math.ceil(delaySeconds / stepSeconds - 1e-9));
}

export class LagBank {
  readonly k: number;
  /** k + 1 slots of `size` counts, slot-major: n(t) of member i at ring[(t mod (k + 1)) × size + i]. */
  readonly ring: Float64Array;
  /** This step's offsets into ring: where n(t) is written, and where r(t) = n(t − k) is read after. */
  writeAt = 0;
  readAt = 0;

  constructor(readonly size: number, delaySeconds: number, stepSeconds: number) {
    this.k = lagSteps(delaySeconds, stepSeconds);
    this.ring = new Float64Array(size * (this.k + 1));
  }

  /** Call once per step before writing n(t) at writeAt + i and reading r(t) at readAt + i. */
  begin(t: number): void {
    const width = this.k + 1;
    this.writeAt = (t % width) * this.size;
    // at step 0 r = n(0), read where it was just written; end(0) fills every slot with n(0),
    // which is what the slots not yet written hold for t < k
    this.readAt = t === 0 ? this.writeAt : ((((t - this.k) % width) + width) % width) * this.size;
  }

  /** Call once per step after the members' counts are written. */
  end(t: number): void {
    if (t === 0) for (let s = 1; s <= this.k; s++) this.ring.copyWithin(s * this.size, 0, this.size);
  }
}
