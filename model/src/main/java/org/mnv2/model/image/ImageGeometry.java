package org.mnv2.model.image;

import java.io.Serializable;

/**
 * How an original image maps onto the network input: network = original * scale + offset, per axis.
 * Postprocessing inverts it to put boxes and masks back in original pixels.
 */
public record ImageGeometry(
    int originalWidth,
    int originalHeight,
    double scaleX,
    double scaleY,
    double offsetX,
    double offsetY)
    implements Serializable {

  /** Original-image x of a network-input x. */
  public double toOriginalX(double networkX) {
    return (networkX - offsetX) / scaleX;
  }

  /** Original-image y of a network-input y. */
  public double toOriginalY(double networkY) {
    return (networkY - offsetY) / scaleY;
  }
}
