/** mathjs's unit machinery alone (tree-shaken by the bundler), loaded on first use by units.ts. */
import { create, unitDependencies } from 'mathjs';

export function createUnits(): { unit(value: number, name: string): { toNumber(name: string): number } } {
  return create({ unitDependencies }) as unknown as { unit(value: number, name: string): { toNumber(name: string): number } };
}
