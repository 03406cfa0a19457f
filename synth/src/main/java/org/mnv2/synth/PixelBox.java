package org.mnv2.synth;

/**
 * An axis-aligned box of whole pixels in COCO's {@code [x, y, width, height]} convention: the box
 * covers columns {@code x .. x + width - 1} and rows {@code y .. y + height - 1}, so a single pixel
 * at (3, 4) is {@code [3, 4, 1, 1]}.
 */
record PixelBox(int x, int y, int width, int height) {

  PixelBox {
    if (x < 0 || y < 0 || width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "Cannot create pixel box: negative origin or empty size (expected x, y >= 0 and width,"
              + " height >= 1, got ["
              + x
              + ", "
              + y
              + ", "
              + width
              + ", "
              + height
              + "])");
    }
  }

  /** Returns whether this box touches the edge of a {@code imageWidth x imageHeight} image. */
  boolean touchesEdge(int imageWidth, int imageHeight) {
    return x == 0 || y == 0 || x + width == imageWidth || y + height == imageHeight;
  }

  /** Returns whether pixel (px, py) lies in the box. */
  boolean contains(int px, int py) {
    return px >= x && px < x + width && py >= y && py < y + height;
  }
}
