package org.mnv2.model.runtime;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/** The inputs and outputs an ONNX file declares: name to element type and shape (-1 = dynamic). */
public record ModelSignature(Map<String, Port> inputs, Map<String, Port> outputs)
    implements Serializable {

  public ModelSignature {
    inputs = Map.copyOf(inputs);
    outputs = Map.copyOf(outputs);
  }

  /** One named tensor port. */
  public record Port(String name, String type, long[] shape) implements Serializable {
    public Port {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public String toString() {
      return name + ":" + type + Arrays.toString(shape);
    }
  }
}
