/**
 * A small linear-program builder over HiGHS (the `highs` package, WebAssembly): columns and
 * labelled rows in, CSR ModelData to HiGHS, the solution (or, when infeasible, the labels of
 * the rows in HiGHS's irreducible infeasible subset) out. Labels carry meaning ("capacity of
 * pangyo at 2027-03-04T11:00Z") so an infeasible model can be explained in words.
 */
import type { Highs } from 'highs';

let loader: Promise<Highs> | undefined;
/** Loads the HiGHS WebAssembly module once per process. */
export function loadHighs(): Promise<Highs> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  loader ??= (require('highs') as (o?: object) => Promise<Highs>)();
  return loader;
}

export interface LpSolution {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'other';
  objective: number;
  values: Float64Array;
  /** Row labels in the irreducible infeasible subset (when infeasible). */
  conflict: string[];
  statusText: string;
}

export class LpModel {
  private readonly cost: number[] = [];
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];
  private readonly integer: boolean[] = [];
  private readonly rowStart: number[] = [0];
  private readonly rowIndex: number[] = [];
  private readonly rowValue: number[] = [];
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];
  readonly rowLabels: string[] = [];

  get columns(): number {
    return this.cost.length;
  }
  get rows(): number {
    return this.rowLower.length;
  }

  addColumn(cost: number, lower: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer);
    return this.cost.length - 1;
  }

  /**
   * lower ≤ Σ coef·x ≤ upper; zero coefficients are dropped. The row is scaled by its largest
   * coefficient (the same constraint, divided through), so demand of 1e12 requests per second and
   * a share of 0.1 meet the solver as numbers near 1 (HiGHS refuses rows beyond its 1e9 range).
   */
  addRow(label: string, lower: number, upper: number, cols: readonly number[], coefs: readonly number[]): number {
    let big = 0;
    for (let i = 0; i < coefs.length; i++) big = Math.max(big, Math.abs(coefs[i]));
    const k = big > 0 && Number.isFinite(big) ? 1 / big : 1;
    for (let i = 0; i < cols.length; i++) {
      if (coefs[i] === 0) continue;
      this.rowIndex.push(cols[i]);
      this.rowValue.push(coefs[i] * k);
    }
    this.rowStart.push(this.rowIndex.length);
    this.rowLower.push(lower * k);
    this.rowUpper.push(upper * k);
    this.rowLabels.push(label);
    return this.rowLower.length - 1;
  }

  async solve(opts: { timeLimitSeconds?: number } = {}): Promise<LpSolution> {
    const highs = await loadHighs();
    const inf = highs.infinity;
    const fix = (a: number[]) => Float64Array.from(a, (v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
    const hasInt = this.integer.some(Boolean);
    const data = {
      numCols: this.columns,
      numRows: this.rows,
      colCost: Float64Array.from(this.cost),
      colLower: fix(this.lower),
      colUpper: fix(this.upper),
      rowLower: fix(this.rowLower),
      rowUpper: fix(this.rowUpper),
      matrix: { format: 'csr' as const, numRows: this.rows, numCols: this.columns, starts: Int32Array.from(this.rowStart), indices: Int32Array.from(this.rowIndex), values: Float64Array.from(this.rowValue) },
      ...(hasInt ? { integrality: Int32Array.from(this.integer, (b) => (b ? 1 : 0)) } : {}),
    };
    try {
      return this.run(highs, data, opts);
    } catch (e) {
      // HiGHS throws when it cannot take the model at all (passModel): say so in words
      return { status: 'other', objective: NaN, values: new Float64Array(0), conflict: [], statusText: `the solver could not take the model (${String((e as Error).message ?? e).split('\n')[0].slice(0, 120)})` };
    }
  }

  private run(highs: Highs, data: object, opts: { timeLimitSeconds?: number }): LpSolution {
    return highs.withModel(data as never, (model): LpSolution => {
      model.options.set({ output_flag: false, log_to_console: false, ...(opts.timeLimitSeconds ? { time_limit: opts.timeLimitSeconds } : {}) });
      model.run();
      const code = model.getModelStatus() as number;
      const ms = highs.constants.modelStatus as unknown as Record<string, number>;
      const statusText = Object.entries(ms).find(([, v]) => v === code)?.[0] ?? String(code);
      if (code === ms.optimal) {
        const sol = model.getSolution();
        return { status: 'optimal', objective: model.getObjectiveValue(), values: Float64Array.from(sol.colValue as ArrayLike<number>), conflict: [], statusText };
      }
      if (code === ms.infeasible) {
        let conflict: string[] = [];
        try {
          const iis = model.getIis();
          conflict = Array.from(iis.rowIndex, (r) => this.rowLabels[r]);
        } catch {
          /* no IIS available: the caller explains from its own relaxations */
        }
        return { status: 'infeasible', objective: NaN, values: new Float64Array(0), conflict, statusText };
      }
      return { status: code === ms.unbounded ? 'unbounded' : 'other', objective: NaN, values: new Float64Array(0), conflict: [], statusText };
    });
  }
}
