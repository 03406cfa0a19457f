package org.mnv2.jobs.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The benchmark's image folders, made once under the work folder and reused: real photos repeated
 * to any count (hard links, so 100,000 images cost no disk), and one very large JPEG.
 */
final class BenchPhotos {
  private BenchPhotos() {}

  /**
   * {@code dir/images} holding {@code n} files: the JPEGs of {@code photos} in name order, repeated
   * under the names {@code k-NAME} (k = round), hard-linked where the file system allows. Returns
   * {@code dir/images}.
   */
  static Path repeated(Path photos, Path dir, int n) throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.list(photos)) {
      sources =
          files
              .filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.jpe?g"))
              .sorted()
              .toList();
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no .jpg files in " + photos);
    }
    Path images = dir.resolve("images");
    if (Files.isDirectory(images)) {
      try (Stream<Path> files = Files.list(images)) {
        if (files.count() == n) {
          return images;
        }
      }
      try (Stream<Path> files = Files.list(images)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(images);
    for (int i = 0; i < n; i++) {
      Path source = sources.get(i % sources.size());
      Path target = images.resolve((i / sources.size()) + "-" + source.getFileName());
      try {
        Files.createLink(target, source.toRealPath());
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, target);
      }
    }
    return images;
  }

  /**
   * A {@code width x height} baseline JPEG (quality 90, 4:2:0) of {@code photo} scaled up, made
   * once as {@code dir/big-WxH.jpg}: a photo's content at a size no full-resolution decode fits in
   * a small memory budget.
   */
  static Path big(Path photo, Path dir, int width, int height) throws IOException {
    Path out = dir.resolve("big-" + width + "x" + height + ".jpg");
    if (Files.isRegularFile(out)) {
      return out;
    }
    Files.createDirectories(dir);
    BufferedImage src = ImageIO.read(photo.toFile());
    BufferedImage big = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = big.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, width, height, null);
    g.dispose();
    Path partial = dir.resolve(out.getFileName() + ".partial");
    writeJpeg(big, partial);
    Files.move(partial, out);
    return out;
  }

  static void writeJpeg(BufferedImage image, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
