/** Money for people: 1.23B, 45.67M, 8.9k or 12.34, then the currency. No Node imports (the webview uses it too). */
export function money(x: number, currency: string): string {
  const abs = Math.abs(x);
  const s = abs >= 1e9 ? `${(x / 1e9).toFixed(2)}B` : abs >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : abs >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(2);
  return `${s} ${currency}`;
}
