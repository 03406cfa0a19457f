package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;

/**
 * Output rows = input files, always: real images in every awkward encoding are classified, broken
 * files become error rows with a reason, and the job carries on.
 */
class BadInputsTest extends SparkTestBase {

  @Test
  void everyFileYieldsOneRowAndBadOnesSayWhy(@TempDir Path dir) throws IOException {
    Path model = fixture("models/mobilenetv2-12-int8.onnx");
    byte[] cat = Files.readAllBytes(fixture("imagenet/images/caffe_cat.jpg"));
    BufferedImage upright = ImageIO.read(fixture("imagenet/images/caffe_cat.jpg").toFile());
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("cat.jpg"), cat);
    Files.write(in.resolve("empty.jpg"), new byte[0]);
    Files.write(in.resolve("truncated.jpg"), java.util.Arrays.copyOf(cat, cat.length * 2 / 5));
    Files.writeString(in.resolve("notes.jpg"), "this is a text file, not a JPEG\n");
    Files.write(in.resolve("upright.jpg"), jpeg(upright));
    Files.write(
        in.resolve("rotated.jpg"), withExifOrientation(jpeg(rotateCounterClockwise(upright)), 6));
    Files.write(in.resolve("grey.jpg"), jpeg(grey(upright)));
    Files.write(in.resolve("sixteen.png"), png16(upright));
    Files.write(in.resolve("cmyk.jpg"), cmykJpeg(upright));
    Path out = dir.resolve("out");

    RunSummary summary =
        ClassifyJob.run(
            spark,
            InferenceConf.of(
                in.toString(), out.toString(), Fixtures.spec("mobilenetv2-onnx-zoo", model)));

    assertThat(summary.images()).isEqualTo(9);
    assertThat(summary.errors()).isEqualTo(3);
    Map<String, Row> rows = new HashMap<>();
    List<Row> all =
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr(
                "regexp_extract(image_uri, '[^/]+$', 0)",
                "status",
                "error",
                "width",
                "height",
                "predictions[0].class_index")
            .collectAsList();
    all.forEach(r -> rows.put(r.getString(0), r));
    assertThat(rows).hasSize(9);
    assertThat(rows.get("empty.jpg").getString(2)).contains("empty (0 bytes)");
    assertThat(rows.get("truncated.jpg").getString(2)).contains("truncated");
    assertThat(rows.get("notes.jpg").getString(2)).contains("unknown format");
    for (String bad : List.of("empty.jpg", "truncated.jpg", "notes.jpg")) {
      assertThat(rows.get(bad).getString(1)).as(bad).isEqualTo("error");
      assertThat(rows.get(bad).isNullAt(5)).as(bad + " has no predictions").isTrue();
    }
    int catClass = rows.get("cat.jpg").getInt(5);
    for (String good :
        List.of("upright.jpg", "rotated.jpg", "grey.jpg", "sixteen.png", "cmyk.jpg")) {
      Row r = rows.get(good);
      assertThat(r.getString(1)).as(good + " status (error: %s)", r.getString(2)).isEqualTo("ok");
      // Original (upright) size: EXIF orientation was applied before anything else.
      assertThat(r.getInt(3)).as(good + " width").isEqualTo(480);
      assertThat(r.getInt(4)).as(good + " height").isEqualTo(360);
    }
    assertThat(rows.get("rotated.jpg").getInt(5))
        .as("EXIF-rotated photo classified as its upright original")
        .isEqualTo(rows.get("upright.jpg").getInt(5));
    assertThat(rows.get("sixteen.png").getInt(5)).as("16-bit PNG of the cat").isEqualTo(catClass);
    // CMYK went through a naive RGB -> CMYK conversion and the reader's CMYK -> RGB colour
    // management, so the pixels differ a little: it must still be a domestic cat (ImageNet
    // 281..285: tabby, tiger cat, Persian, Siamese, Egyptian cat), which inverted or garbled
    // channels would not be.
    assertThat(rows.get("cmyk.jpg").getInt(5)).as("CMYK JPEG of the cat").isBetween(281, 285);
  }

  static byte[] jpeg(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      var param = writer.getDefaultWriteParam();
      param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  static BufferedImage rotateCounterClockwise(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage dst = new BufferedImage(h, w, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        dst.setRGB(y, w - 1 - x, src.getRGB(x, y));
      }
    }
    return dst;
  }

  static BufferedImage grey(BufferedImage src) {
    BufferedImage dst =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    dst.getGraphics().drawImage(src, 0, 0, null);
    return dst;
  }

  /** A 16-bit RGB PNG whose high bytes are the source pixels. */
  static byte[] png16(BufferedImage src) throws IOException {
    int w = src.getWidth();
    int h = src.getHeight();
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = src.getRGB(x, y);
        raster.setPixel(
            x, y, new int[] {((p >> 16) & 0xFF) * 257, ((p >> 8) & 0xFF) * 257, (p & 0xFF) * 257});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(cm, raster, false, null), "png", out);
    return out.toByteArray();
  }

  /**
   * A CMYK JPEG (Adobe APP14, inverted CMYK as Photoshop writes it) made with TwelveMonkeys' writer
   * from a naive RGB to CMYK conversion.
   */
  static byte[] cmykJpeg(BufferedImage src) throws IOException {
    int w = src.getWidth();
    int h = src.getHeight();
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = src.getRGB(x, y);
        int r = (p >> 16) & 0xFF;
        int g = (p >> 8) & 0xFF;
        int b = p & 0xFF;
        int k = 255 - Math.max(r, Math.max(g, b));
        int c = k == 255 ? 0 : (255 - r - k) * 255 / (255 - k);
        int m = k == 255 ? 0 : (255 - g - k) * 255 / (255 - k);
        int ye = k == 255 ? 0 : (255 - b - k) * 255 / (255 - k);
        raster.setPixel(x, y, new int[] {c, m, ye, k});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Inserts an EXIF APP1 segment holding only the orientation tag right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {
      'M',
      'M',
      0,
      42,
      0,
      0,
      0,
      8, // big-endian TIFF header, IFD0 at offset 8
      0,
      1, // one entry
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      (byte) orientation,
      0,
      0, // Orientation, SHORT, 1 value
      0,
      0,
      0,
      0 // no next IFD
    };
    int length = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
