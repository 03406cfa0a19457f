package org.mnv2.synth;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link SynthGenerator#generate} wrote.
 *
 * @param outputDir the dataset root (holds {@code images/}, {@code labels.csv}, ...)
 * @param images the number of images
 * @param annotations the number of objects, i.e. COCO annotations, over all images
 * @param seed the seed the set was generated from
 * @param elapsed wall-clock time of the generation
 */
public record SynthSummary(
    Path outputDir, int images, int annotations, long seed, Duration elapsed) {

  /** Validates the fields. */
  public SynthSummary {
    if (outputDir == null || elapsed == null) {
      throw new IllegalArgumentException(
          "Cannot create synth summary: missing field (expected outputDir and elapsed, got "
              + outputDir
              + " and "
              + elapsed
              + ")");
    }
    if (images < 0 || annotations < images) {
      throw new IllegalArgumentException(
          "Cannot create synth summary: inconsistent counts (expected 0 <= images <= annotations,"
              + " got "
              + images
              + " and "
              + annotations
              + ")");
    }
  }
}
