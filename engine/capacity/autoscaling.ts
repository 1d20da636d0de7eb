/**
 * Public-cloud autoscaling lag (format.md, "Replay semantics"): running instances follow the
 * needed count k = ceil(scaleOutDelaySeconds / Δ) steps late, r(t) = n(t − k), with n before
 * the start taken as n(0). One LagBank per site places a ring of k + 1 counts for each of the
 * site's pairs in a Float64Array that the replay holds for all its sites (replay-state.ts,
 * lagRing: one array whose identity never changes, so that V8 compiles the site loops with it
 * as a constant), slot by slot from the bank's base, so a step writes one contiguous slot and
 * reads another, costs O(1) per pair and allocates nothing.
 */
export function lagSteps(delaySeconds: number, stepSeconds: number): number {
  return Math.max(0, Math.ceil(delaySeconds / stepSeconds - 1e-9));
}

export class LagBank {
  readonly k: number;
  /** Offsets into the ring for this step: where n(t) of member i is written (writeAt + i), and where r(t) = n(t − k) is read (readAt + i) after. */
  writeAt = 0;
  readAt = 0;

  /** `size` members whose k + 1 slots start at `base` of the ring, slot-major: n(t) of member i at base + (t mod (k + 1)) × size + i. */
  constructor(readonly size: number, delaySeconds: number, stepSeconds: number, readonly base = 0) {
    this.k = lagSteps(delaySeconds, stepSeconds);
  }

  /** The ring's length this bank takes: k + 1 slots of its members. */
  get length(): number {
    return this.size * (this.k + 1);
  }

  /** Call once per step before writing n(t) at writeAt + i and reading r(t) at readAt + i. */
  begin(t: number): void {
    const width = this.k + 1;
    this.writeAt = this.base + (t % width) * this.size;
    // at step 0 r = n(0), read where it was just written; end(0) fills every slot with n(0),
    // which is what the slots not yet written hold for t < k
    this.readAt = t === 0 ? this.writeAt : this.base + ((((t - this.k) % width) + width) % width) * this.size;
  }

  /** Call once per step after the members' counts are written into ring. */
  end(t: number, ring: Float64Array): void {
    if (t === 0) for (let s = 1; s <= this.k; s++) ring.copyWithin(this.base + s * this.size, this.base, this.base + this.size);
  }
}
