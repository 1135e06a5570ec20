// The Dataset: train/test features and labels as typed arrays.

export interface Split {
  /** Row-major features, `count × dim`. */
  readonly x: Float64Array;
  /** Class labels in [0, classes). */
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface Dataset {
  readonly name: string;
  readonly dim: number;
  readonly classes: number;
  readonly train: Split;
  readonly test: Split;
}
