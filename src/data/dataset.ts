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
  /**
   * Image data sets: (channels, height, width) of one sample, with channels·height·width = dim; each
   * row of x is then in channel-major (CHW) order. Absent for data that are not images.
   */
  readonly shape?: readonly [number, number, number];
  readonly train: Split;
  readonly test: Split;
}
