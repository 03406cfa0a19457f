package org.mnv2.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.mnv2.model.mask.PaletteMasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the deterministic synthetic dataset described in docs/SYNTH.md: JPEG images of coloured
 * discs, squares and triangles on muted backgrounds, with classification labels ({@code
 * labels.csv}, {@code classes.txt}), COCO instances ({@code instances.json}) and a VOC segmentation
 * tree ({@code voc/}).
 *
 * <p>Image {@code i} is drawn from its own random stream seeded by {@code (seed, i)}: the same
 * {@code images} and {@code seed} give byte-identical files whatever the number of threads, and the
 * first {@code n} images of a larger set are the images of the {@code n}-image set. Images are
 * drawn and written in parallel (on the calling thread's fork-join pool, the common pool unless
 * called from inside another), the index files afterwards in image order.
 *
 * <p>Files already in {@code outputDir} with the same names are overwritten; others are left alone.
 */
public final class SynthGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(SynthGenerator.class);

  /** Image ids are 6-digit zero-padded indices, so a set holds at most this many images. */
  public static final int MAX_IMAGES = 1_000_000;

  static final String IMAGES_DIR = "images";
  static final String VOC_JPEG_DIR = "voc/JPEGImages";
  static final String VOC_MASK_DIR = "voc/SegmentationClass";

  private SynthGenerator() {}

  /**
   * Generates {@code images} images and their annotations under {@code outputDir}.
   *
   * @param outputDir the dataset root; created if missing
   * @param images the number of images, 1..{@value #MAX_IMAGES}
   * @param seed the seed; any value
   * @return what was written
   * @throws IllegalArgumentException if {@code images} is out of range
   * @throws UncheckedIOException if a file cannot be written
   */
  public static SynthSummary generate(Path outputDir, int images, long seed) {
    if (outputDir == null) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic set: no output directory (expected a path, got null)");
    }
    if (images < 1 || images > MAX_IMAGES) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic set in "
              + outputDir
              + ": image count out of range (expected 1.."
              + MAX_IMAGES
              + ", got "
              + images
              + ")");
    }
    long start = System.nanoTime();
    LOG.info("Generating {} synthetic images with seed {} into {}", images, seed, outputDir);
    createDirectories(outputDir);

    List<ImageEntry> entries =
        IntStream.range(0, images)
            .parallel()
            .mapToObj(index -> writeImage(outputDir, seed, index))
            .toList();
    int annotations = IndexFiles.write(outputDir, entries);

    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    LOG.info(
        "Generated {} images with {} objects in {} ms ({} images/s) into {}",
        images,
        annotations,
        elapsed.toMillis(),
        String.format("%.0f", images / Math.max(1e-9, elapsed.toNanos() / 1e9)),
        outputDir);
    return new SynthSummary(outputDir, images, annotations, seed, elapsed);
  }

  private static ImageEntry writeImage(Path outputDir, long seed, int index) {
    Scene scene = SceneGenerator.generate(seed, index);
    String id = scene.id();
    byte[] jpeg = JpegEncoder.encode(scene.rgb(), scene.width(), scene.height(), id + ".jpg");
    byte[] png = PaletteMasks.encodePng(scene.vocLabels(), scene.width(), scene.height());
    write(outputDir.resolve(IMAGES_DIR).resolve(id + ".jpg"), jpeg);
    write(outputDir.resolve(VOC_JPEG_DIR).resolve(id + ".jpg"), jpeg);
    write(outputDir.resolve(VOC_MASK_DIR).resolve(id + ".png"), png);
    return ImageEntry.of(scene);
  }

  private static void createDirectories(Path outputDir) {
    for (String dir :
        List.of(
            IMAGES_DIR,
            VOC_JPEG_DIR,
            VOC_MASK_DIR,
            Path.of(IndexFiles.VOC_SPLIT).getParent().toString())) {
      Path path = outputDir.resolve(dir);
      try {
        Files.createDirectories(path);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot create directory " + path + ": " + e.getMessage(), e);
      }
    }
  }

  private static void write(Path path, byte[] bytes) {
    try {
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
  }
}
