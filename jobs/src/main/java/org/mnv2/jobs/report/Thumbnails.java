package org.mnv2.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.VocPalette;

/**
 * The gallery's pictures, drawn in Java at thumbnail size: an image scaled to fit, with boxes
 * (original-pixel xywh) drawn over it, or a label mask in the VOC palette.
 */
public final class Thumbnails {
  private Thumbnails() {}

  /** A box to draw: original-pixel xywh, its colour and a label (may be empty). */
  public record Box(double x, double y, double width, double height, Color color, String label) {}

  /** The decoded image, or null when the bytes are not an image ImageIO reads. */
  public static BufferedImage decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code image} (or a grey canvas of {@code width} x {@code height} when null) scaled so its
   * longer side is {@code maxSide}, with {@code boxes} drawn.
   */
  public static BufferedImage withBoxes(
      BufferedImage image, int width, int height, List<Box> boxes, int maxSide) {
    int w = image == null ? Math.max(1, width) : image.getWidth();
    int h = image == null ? Math.max(1, height) : image.getHeight();
    double scale = maxSide / (double) Math.max(w, h);
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      if (image == null) {
        g.setColor(new Color(0xE0E0E0));
        g.fillRect(0, 0, tw, th);
        g.setColor(new Color(0x707070));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("image not available", 6, th - 8);
      } else {
        g.drawImage(image, 0, 0, tw, th, null);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
      for (Box b : boxes) {
        int x = (int) Math.round(b.x() * scale);
        int y = (int) Math.round(b.y() * scale);
        int bw = Math.max(1, (int) Math.round(b.width() * scale));
        int bh = Math.max(1, (int) Math.round(b.height() * scale));
        g.setColor(b.color());
        g.setStroke(new BasicStroke(2f));
        g.drawRect(x, y, bw, bh);
        if (!b.label().isEmpty()) {
          int textWidth = g.getFontMetrics().stringWidth(b.label()) + 4;
          int ty = Math.max(0, y - 12);
          g.fillRect(x, ty, textWidth, 12);
          g.setColor(Color.WHITE);
          g.drawString(b.label(), x + 2, ty + 10);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code image} scaled so its longer side is {@code maxSide}. */
  public static BufferedImage scaled(BufferedImage image, int maxSide) {
    return withBoxes(image, 0, 0, List.of(), maxSide);
  }

  /**
   * A label mask in the VOC palette (255, "ignore", in the palette's cream), longer side maxSide.
   */
  public static BufferedImage mask(LabelMask mask, int maxSide) {
    int w = mask.width();
    int h = mask.height();
    double scale = maxSide / (double) Math.max(w, h);
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < th; y++) {
      int sy = Math.min(h - 1, (int) (y / scale));
      for (int x = 0; x < tw; x++) {
        int sx = Math.min(w - 1, (int) (x / scale));
        out.setRGB(x, y, VocPalette.rgb(mask.label(sx, sy)));
      }
    }
    return out;
  }
}
