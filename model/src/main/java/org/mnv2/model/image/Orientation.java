package org.mnv2.model.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * EXIF orientation (TIFF tag 274) of a JPEG, and the transform that makes the pixels upright, as
 * cameras and PIL's {@code ImageOps.exif_transpose} do.
 */
final class Orientation {
  static final int NORMAL = 1;

  private Orientation() {}

  /** The EXIF orientation 1..8 of a JPEG, or 1 when absent or unreadable. */
  static int of(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return NORMAL;
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
      for (JPEGSegment segment : segments) {
        try (InputStream data = segment.data()) {
          data.skip(1); // the pad byte after "Exif\0"
          try (ImageInputStream exif = ImageIO.createImageInputStream(data)) {
            Directory dir = new TIFFReader().read(exif);
            Entry entry = dir.getEntryById(TIFF.TAG_ORIENTATION);
            if (entry != null && entry.getValue() instanceof Number n) {
              int value = n.intValue();
              return value >= 1 && value <= 8 ? value : NORMAL;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Broken EXIF never makes a readable image unusable: treat it as upright.
      return NORMAL;
    }
    return NORMAL;
  }

  /** Whether orientation {@code o} swaps width and height (the transposing ones, 5-8). */
  static boolean swapsAxes(int o) {
    return o >= 5;
  }

  /** Applies EXIF orientation {@code o} to an image. */
  static RgbImage apply(RgbImage img, int o) {
    if (o == NORMAL) {
      return img;
    }
    int w = img.width();
    int h = img.height();
    boolean swap = swapsAxes(o);
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = img.pixels();
    byte[] dst = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (o) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> { // 8
            sx = w - 1 - y;
            sy = x;
          }
        }
        int s = (sy * w + sx) * 3;
        int d = (y * ow + x) * 3;
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
      }
    }
    return new RgbImage(
        ow,
        oh,
        dst,
        swap ? img.sourceHeight() : img.sourceWidth(),
        swap ? img.sourceWidth() : img.sourceHeight());
  }
}
