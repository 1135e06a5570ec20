// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank.

export function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** NaN when either side is constant (no ranking to correlate). */
export function rankCorrelation(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`rankCorrelation: ${a.length} values against ${b.length}`);
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (r: number[]) => r.reduce((s, v) => s + v, 0) / r.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let num = 0;
  let da = 0;
  let db = 0;
  ra.forEach((v, i) => {
    num += (v - ma) * (rb[i] - mb);
    da += (v - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}
