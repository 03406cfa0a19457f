package org.mnv2.eval.coco;

/**
 * Stable index orders, the Java side of numpy's {@code argsort(kind='mergesort')}.
 *
 * <p>Scores are compared with primitive {@code >} (so -0.0 ties with 0.0, as in numpy), never with
 * {@code Double.compare}; ties keep their input order. No boxing: the sort works on an {@code
 * int[]} of indices.
 */
final class StableOrder {
  private static final int INSERTION_LIMIT = 16;

  private StableOrder() {}

  /** Indices of {@code keys} by descending key; equal keys keep their input order. */
  static int[] descending(double[] keys) {
    int n = keys.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (n > 1) {
      int[] buffer = new int[n];
      sort(keys, order, buffer, 0, n);
    }
    return order;
  }

  private static void sort(double[] keys, int[] order, int[] buffer, int from, int to) {
    if (to - from <= INSERTION_LIMIT) {
      insertionSort(keys, order, from, to);
      return;
    }
    int mid = (from + to) >>> 1;
    sort(keys, order, buffer, from, mid);
    sort(keys, order, buffer, mid, to);
    if (!(keys[order[mid]] > keys[order[mid - 1]])) {
      return; // already in order
    }
    System.arraycopy(order, from, buffer, from, to - from);
    int left = from;
    int right = mid;
    for (int out = from; out < to; out++) {
      // take from the right half only when strictly greater: that is what keeps ties stable
      if (right < to && (left >= mid || keys[buffer[right]] > keys[buffer[left]])) {
        order[out] = buffer[right++];
      } else {
        order[out] = buffer[left++];
      }
    }
  }

  private static void insertionSort(double[] keys, int[] order, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      int index = order[i];
      double key = keys[index];
      int j = i - 1;
      while (j >= from && key > keys[order[j]]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = index;
    }
  }
}
