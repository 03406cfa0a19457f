package org.mnv2.model.postprocess;

import java.io.Serializable;
import org.mnv2.model.UsageException;

/**
 * torchvision's {@code BoxCoder.decode_single}: regression (dx, dy, dw, dh) against an anchor
 * (corner box) to a corner box, in float32 like torchvision. dx, dy are divided by the weights wx,
 * wy and scaled by the anchor size; dw, dh are divided by ww, wh, clamped at {@code bboxXformClip}
 * (so exp cannot overflow) and exponentiated.
 *
 * @param weights wx, wy, ww, wh (SSD: 10, 10, 5, 5; the inverse of the "variances" 0.1, 0.2)
 * @param bboxXformClip upper bound of dw, dh before exp (torchvision: log(1000 / 16))
 */
record BoxCoder(float wx, float wy, float ww, float wh, float bboxXformClip)
    implements Serializable {
  static final double DEFAULT_CLIP = Math.log(1000.0 / 16);

  BoxCoder {
    if (!(wx > 0 && wy > 0 && ww > 0 && wh > 0)) {
      throw new UsageException(
          "Cannot read model spec: output.weights must be 4 positive numbers (got ["
              + wx
              + ", "
              + wy
              + ", "
              + ww
              + ", "
              + wh
              + "])");
    }
  }

  /**
   * Decodes anchor {@code a} of {@code anchors} (flattened corners) with the regression at {@code
   * offset} of {@code codes}, writing x1, y1, x2, y2 to {@code out}.
   */
  void decode(float[] codes, int offset, float[] anchors, int a, float[] out) {
    float ax1 = anchors[a * 4];
    float ay1 = anchors[a * 4 + 1];
    float widths = anchors[a * 4 + 2] - ax1;
    float heights = anchors[a * 4 + 3] - ay1;
    float ctrX = ax1 + 0.5f * widths;
    float ctrY = ay1 + 0.5f * heights;
    float dx = codes[offset] / wx;
    float dy = codes[offset + 1] / wy;
    float dw = Math.min(codes[offset + 2] / ww, bboxXformClip);
    float dh = Math.min(codes[offset + 3] / wh, bboxXformClip);
    float predCtrX = dx * widths + ctrX;
    float predCtrY = dy * heights + ctrY;
    float predW = (float) Math.exp(dw) * widths;
    float predH = (float) Math.exp(dh) * heights;
    float halfW = 0.5f * predW;
    float halfH = 0.5f * predH;
    out[0] = predCtrX - halfW;
    out[1] = predCtrY - halfH;
    out[2] = predCtrX + halfW;
    out[3] = predCtrY + halfH;
  }
}
