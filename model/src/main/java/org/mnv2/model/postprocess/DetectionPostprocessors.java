package org.mnv2.model.postprocess;

import java.util.List;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;

/** The detection postprocessor of a spec's {@code output.type} (docs/MODEL-SPEC.md). */
public final class DetectionPostprocessors {
  /** The detection output types, as written in specs. */
  public static final List<String> TYPES = List.of("ssd-raw", "ssd-anchors", "tf-od", "yolox");

  private DetectionPostprocessors() {}

  /** The postprocessor for {@code spec}, with a command's overrides. */
  public static Postprocessor<List<Detection>> of(ModelSpec spec, DetectionLimits limits) {
    String type = spec.output().type();
    return switch (type) {
      case "ssd-raw" -> new SsdRawPostprocessor(spec, limits);
      case SsdAnchorsPostprocessor.TYPE -> new SsdAnchorsPostprocessor(spec, limits);
      case "tf-od" -> new TfOdPostprocessor(spec, limits);
      case "yolox" -> new YoloxPostprocessor(spec, limits);
      default ->
          throw new UsageException(
              "Cannot read model spec "
                  + spec.name()
                  + ": unknown detection output.type '"
                  + type
                  + "' (expected one of "
                  + TYPES
                  + ")");
    };
  }
}
