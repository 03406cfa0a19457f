package org.mnv2.eval.coco;

/**
 * {@code np.mean} of a 1-D float64 array, bit for bit: numpy adds with its pairwise summation
 * (blocks of up to 128 values summed in 8 interleaved accumulators, larger arrays split in halves
 * rounded to a multiple of 8), starting from 0, then divides by the count.
 *
 * <p>A plain running sum differs from it in the last bits; the contract is 1e-9, but matching numpy
 * exactly costs nothing and makes any real discrepancy stand out.
 */
final class NumpyMean {
  private static final int BLOCK = 128;

  private NumpyMean() {}

  static double mean(double[] values, int count) {
    return (0.0 + pairwiseSum(values, 0, count)) / count;
  }

  static double pairwiseSum(double[] a, int from, int n) {
    if (n < 8) {
      double sum = 0.0;
      for (int i = 0; i < n; i++) {
        sum += a[from + i];
      }
      return sum;
    }
    if (n <= BLOCK) {
      double r0 = a[from];
      double r1 = a[from + 1];
      double r2 = a[from + 2];
      double r3 = a[from + 3];
      double r4 = a[from + 4];
      double r5 = a[from + 5];
      double r6 = a[from + 6];
      double r7 = a[from + 7];
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        int at = from + i;
        r0 += a[at];
        r1 += a[at + 1];
        r2 += a[at + 2];
        r3 += a[at + 3];
        r4 += a[at + 4];
        r5 += a[at + 5];
        r6 += a[at + 6];
        r7 += a[at + 7];
      }
      double sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        sum += a[from + i];
      }
      return sum;
    }
    int half = n / 2;
    half -= half % 8;
    return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
  }
}
