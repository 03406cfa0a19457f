package org.mnv2.model.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PaletteMasksTest {

  /** A 7x5 mask (odd sizes catch row-stride mistakes) using background, classes and ignore. */
  private static byte[] sampleLabels() {
    byte[] labels = new byte[7 * 5];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) (i % 7);
    }
    labels[3] = (byte) 255;
    labels[34] = (byte) 200;
    return labels;
  }

  @Test
  void roundTripsLabelsThroughAPalettePng() {
    byte[] labels = sampleLabels();

    byte[] png = PaletteMasks.encodePng(labels, 7, 5);
    LabelMask mask = PaletteMasks.decode(png, "round-trip.png");

    assertThat(mask.width()).isEqualTo(7);
    assertThat(mask.height()).isEqualTo(5);
    assertThat(mask.labels()).containsExactly(labels);
    assertThat(mask.label(3, 0)).isEqualTo(255);
    assertThat(mask.label(6, 4)).isEqualTo(200);
    assertThat(mask.label(1, 1)).isEqualTo(1); // index 8 -> 8 % 7
  }

  @Test
  void writesAnEightBitPngWithTheVocPalette() throws IOException {
    byte[] png = PaletteMasks.encodePng(sampleLabels(), 7, 5);

    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));

    assertThat(image.getColorModel()).isInstanceOf(IndexColorModel.class);
    IndexColorModel model = (IndexColorModel) image.getColorModel();
    assertThat(model.getMapSize()).isEqualTo(256);
    assertThat(image.getColorModel().getPixelSize()).isEqualTo(8);
    // The colour a viewer shows for a pixel is the VOC colour of its label.
    assertThat(image.getRGB(3, 0) & 0xFFFFFF).isEqualTo(0xE0E0C0);
    assertThat(image.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x800000);
    assertThat(image.getRaster().getSample(2, 0, 0)).isEqualTo(2);
  }

  @Test
  void encodingIsByteIdenticalAcrossCalls() {
    byte[] labels = sampleLabels();

    assertThat(PaletteMasks.encodePng(labels, 7, 5))
        .isEqualTo(PaletteMasks.encodePng(labels, 7, 5));
  }

  @Test
  void rejectsAnRgbPngNamingTheFile() throws IOException {
    BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(1, 1, 0x800000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(rgb, "png", out);

    assertThatThrownBy(() -> PaletteMasks.decode(out.toByteArray(), "SegmentationClass/2007_1.png"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot decode mask SegmentationClass/2007_1.png: not a palette PNG (expected an"
                + " indexed-colour PNG whose pixels are class indices, got RGB, 3 band(s)");
  }

  @Test
  void rejectsBytesThatAreNotAPng() {
    assertThatThrownBy(() -> PaletteMasks.decode(new byte[] {1, 2, 3}, "mask.jpg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot decode mask mask.jpg: not a PNG file (expected the PNG signature, got 3 bytes"
                + " without it)");
  }

  @Test
  void decodesPackedLowBitDepthPalettes() throws IOException {
    // A 2-colour palette PNG (1 bit per pixel), as some tools write for binary masks.
    IndexColorModel twoColours =
        new IndexColorModel(1, 2, new byte[] {0, (byte) 128}, new byte[2], new byte[2]);
    BufferedImage image = new BufferedImage(9, 2, BufferedImage.TYPE_BYTE_BINARY, twoColours);
    image.getRaster().setSample(8, 0, 0, 1);
    image.getRaster().setSample(0, 1, 0, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);

    LabelMask mask = PaletteMasks.decode(out.toByteArray(), "binary.png");

    assertThat(mask.labels()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void rejectsLabelsThatDoNotMatchTheSize() {
    assertThatThrownBy(() -> PaletteMasks.encodePng(new byte[10], 4, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot encode palette PNG: label count does not match the size (expected 12 for 4x3,"
                + " got 10)");
  }
}
