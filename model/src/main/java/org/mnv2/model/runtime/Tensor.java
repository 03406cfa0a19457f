package org.mnv2.model.runtime;

import java.util.Arrays;

/**
 * One output tensor copied out of native memory as float32, row-major. The data array is not copied
 * again (outputs are large and have one owner: the postprocessor of the batch).
 */
public record Tensor(String name, long[] shape, float[] data) {
  public Tensor {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    return (int) shape[i];
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
