package org.mnv2.model.postprocess;

import java.io.Serializable;
import java.util.List;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.OutputSpec;

/**
 * How an SSD head with given anchors codes its boxes ({@code output.box_coding}), anchors and
 * results as corner boxes in the anchors' units (normalised), float32 arithmetic:
 *
 * <ul>
 *   <li>{@code corner-offsets} (STMicroelectronics' X-LINUX-AI SSDs): codes (e0, e1, e2, e3) move
 *       each corner by a multiple of the anchor's size: x1 = ax1 + e0 v0 aw, y1 = ay1 + e1 v1 ah,
 *       x2 = ax2 + e2 v2 aw, y2 = ay2 + e3 v3 ah (variances v default 1).
 *   <li>{@code center-size} (pytorch-ssd and torchvision raw heads: codes tx, ty, tw, th) and
 *       {@code center-size-yx} (the TF Object Detection API: ty, tx, th, tw): cx = acx + tx v0 aw,
 *       cy = acy + ty v1 ah, w = aw exp(min(tw v2, clip)), h = ah exp(min(th v3, clip)) with
 *       variances v default (0.1, 0.1, 0.2, 0.2) - {@link BoxCoder} with weights 1 / v.
 * </ul>
 */
record AnchorBoxCoding(Kind kind, float[] variances, BoxCoder centerSize) implements Serializable {

  /** The codings, as named in specs. */
  enum Kind {
    CORNER_OFFSETS("corner-offsets"),
    CENTER_SIZE("center-size"),
    CENTER_SIZE_YX("center-size-yx");

    final String specName;

    Kind(String specName) {
      this.specName = specName;
    }
  }

  AnchorBoxCoding {
    variances = variances.clone();
  }

  @Override
  public float[] variances() {
    return variances.clone();
  }

  /** The coding of a spec's {@code box_coding}, {@code variances} and {@code bbox_xform_clip}. */
  static AnchorBoxCoding of(OutputSpec out) {
    String name =
        SsdAnchorsPostprocessor.oneOf(
            out,
            "box_coding",
            Kind.CORNER_OFFSETS.specName,
            Kind.CORNER_OFFSETS.specName,
            Kind.CENTER_SIZE.specName,
            Kind.CENTER_SIZE_YX.specName);
    Kind kind =
        name.equals(Kind.CORNER_OFFSETS.specName)
            ? Kind.CORNER_OFFSETS
            : name.equals(Kind.CENTER_SIZE.specName) ? Kind.CENTER_SIZE : Kind.CENTER_SIZE_YX;
    List<Double> v = out.numbers("variances");
    if (!v.isEmpty() && v.size() != 4) {
      throw new UsageException(
          "Cannot read model spec: output.variances needs 4 numbers (got " + v + ")");
    }
    float[] variances =
        v.isEmpty()
            ? kind == Kind.CORNER_OFFSETS
                ? new float[] {1, 1, 1, 1}
                : new float[] {0.1f, 0.1f, 0.2f, 0.2f}
            : new float[] {
              v.get(0).floatValue(),
              v.get(1).floatValue(),
              v.get(2).floatValue(),
              v.get(3).floatValue()
            };
    for (float x : variances) {
      if (!(x > 0)) {
        throw new UsageException(
            "Cannot read model spec: output.variances must be positive (got " + v + ")");
      }
    }
    BoxCoder coder =
        kind == Kind.CORNER_OFFSETS
            ? null
            : new BoxCoder(
                1 / variances[0],
                1 / variances[1],
                1 / variances[2],
                1 / variances[3],
                (float) out.number("bbox_xform_clip", BoxCoder.DEFAULT_CLIP));
    return new AnchorBoxCoding(kind, variances, coder);
  }

  /**
   * Decodes anchor {@code a} of {@code corners} (flattened x1, y1, x2, y2) with the 4 codes at
   * {@code offset} of {@code codes}, writing x1, y1, x2, y2 to {@code out}.
   */
  void decode(float[] codes, int offset, float[] corners, int a, float[] out) {
    switch (kind) {
      case CORNER_OFFSETS -> {
        float ax1 = corners[a * 4];
        float ay1 = corners[a * 4 + 1];
        float ax2 = corners[a * 4 + 2];
        float ay2 = corners[a * 4 + 3];
        float aw = ax2 - ax1;
        float ah = ay2 - ay1;
        out[0] = ax1 + codes[offset] * variances[0] * aw;
        out[1] = ay1 + codes[offset + 1] * variances[1] * ah;
        out[2] = ax2 + codes[offset + 2] * variances[2] * aw;
        out[3] = ay2 + codes[offset + 3] * variances[3] * ah;
      }
      case CENTER_SIZE -> centerSize.decode(codes, offset, corners, a, out);
      case CENTER_SIZE_YX -> {
        float[] xy = {codes[offset + 1], codes[offset], codes[offset + 3], codes[offset + 2]};
        centerSize.decode(xy, 0, corners, a, out);
      }
    }
  }
}
