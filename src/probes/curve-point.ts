/** One measured model on a complexity sweep; extra probes add more numeric columns. */
export type CurvePoint = {
  features: number;
  trainLoss: number;
  testLoss: number;
  trainError: number;
  testError: number;
  coefNorm: number;
  condition: number;
  [k: string]: number;
};
