/**
 * A small seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counter, as in PractRand),
 * seeded through splitmix32, with standard normals by Box–Muller. A simulation receives its
 * Rng; nothing here is global, so runs are reproducible and independent of worker count.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  private readonly one = new Float64Array(1);

  constructor(seed: number) {
    let s = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Standard normal N(0, 1) (Box–Muller, the second value kept for the next call). */
  normal(): number {
    this.fillNormal(this.one, 1);
    return this.one[0];
  }

  /**
   * Fills out[0, n) with the next n standard normals (Box–Muller: each uniform pair gives two,
   * the second kept as the spare when n runs out), with no boxed double per value (the replay's
   * noise draws a million per Monte Carlo run). normal() is this with n = 1.
   */
  fillNormal(out: Float64Array, n: number): void {
    let i = 0;
    if (n > 0 && !Number.isNaN(this.spare)) {
      out[i++] = this.spare;
      this.spare = NaN;
    }
    while (i < n) {
      let u = 0;
      while (u === 0) u = this.next();
      const v = this.next();
      const r = Math.sqrt(-2 * Math.log(u));
      out[i++] = r * Math.cos(2 * Math.PI * v);
      if (i < n) out[i++] = r * Math.sin(2 * Math.PI * v);
      else this.spare = r * Math.sin(2 * Math.PI * v);
    }
  }

  /** An independent copy at the same point of the sequence (a twin replay draws the same noise). */
  clone(): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    Object.assign(r, { a: this.a, b: this.b, c: this.c, d: this.d, spare: this.spare, one: new Float64Array(1) });
    return r;
  }

  /** A Poisson count with mean lambda (Knuth's product of uniforms; lambda up to a few thousand). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    const limit = Math.exp(-Math.min(lambda, 700));
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > limit);
    return k - 1;
  }

  /** A derived generator for stream i (one per Monte Carlo run), independent of call order. */
  static stream(seed: number, i: number): Rng {
    return new Rng((Math.imul(seed | 0, 0x27d4eb2d) ^ Math.imul(i + 1, 0x165667b1)) >>> 0);
  }
}
