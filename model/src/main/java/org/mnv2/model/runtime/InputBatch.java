package org.mnv2.model.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.mnv2.model.spec.InputSpec;

/**
 * A reusable direct buffer holding up to {@code capacity} preprocessed images in the model's input
 * layout. One per task: filled image by image, then handed to {@link SessionRunner#run} whole.
 */
public final class InputBatch {
  private final InputSpec spec;
  private final int capacity;
  private final ByteBuffer bytes;
  private final FloatBuffer floats;
  private int size;

  public InputBatch(InputSpec spec, int capacity) {
    this.spec = spec;
    this.capacity = capacity;
    int elements = spec.elementsPerImage() * capacity;
    if (spec.dtype() == InputSpec.DType.FLOAT32) {
      this.bytes = ByteBuffer.allocateDirect(elements * Float.BYTES).order(ByteOrder.nativeOrder());
      this.floats = bytes.asFloatBuffer();
    } else {
      this.bytes = ByteBuffer.allocateDirect(elements).order(ByteOrder.nativeOrder());
      this.floats = null;
    }
  }

  public InputSpec spec() {
    return spec;
  }

  public int capacity() {
    return capacity;
  }

  /** Images currently in the batch. */
  public int size() {
    return size;
  }

  /** Marks the batch as holding {@code n} images. */
  public void setSize(int n) {
    if (n < 0 || n > capacity) {
      throw new IllegalArgumentException("batch size " + n + " outside 0.." + capacity);
    }
    this.size = n;
  }

  /** The float view (float32 inputs). */
  public FloatBuffer floats() {
    return floats;
  }

  /** The byte view (uint8 inputs). */
  public ByteBuffer bytes() {
    return bytes;
  }

  /** Tensor shape of the current contents. */
  public long[] shape() {
    long n = size;
    long h = spec.height();
    long w = spec.width();
    return spec.layout() == InputSpec.Layout.NCHW
        ? new long[] {n, 3, h, w}
        : new long[] {n, h, w, 3};
  }
}
