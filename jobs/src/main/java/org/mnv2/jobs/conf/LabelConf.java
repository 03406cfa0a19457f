package org.mnv2.jobs.conf;

import java.time.Duration;
import org.mnv2.model.UsageException;

/**
 * A typed view of {@code label}: the model run (its input, output and model) and how much of the
 * backlog one run takes.
 *
 * @param maxImagesPerRun at most this many new images per run (0: all of them)
 * @param imagesPerBatch new images per committed batch of an uncapped run: a killed run loses at
 *     most one batch of work
 * @param retryErrors label again the images whose rows of this model are errors
 * @param lockTimeout a run lock whose holder has not renewed it for this long is taken over
 */
public record LabelConf(
    InferenceConf inference,
    int maxImagesPerRun,
    int imagesPerBatch,
    boolean retryErrors,
    Duration lockTimeout) {

  public static final int IMAGES_PER_BATCH_DEFAULT = 10_000;
  public static final Duration LOCK_TIMEOUT_DEFAULT = Duration.ofMinutes(2);

  public LabelConf {
    if (maxImagesPerRun < 0) {
      throw new UsageException(
          "Cannot use --max-images-per-run "
              + maxImagesPerRun
              + " (expected a positive integer, or 0 for no limit)");
    }
    if (inference.manifest() && maxImagesPerRun > 0) {
      throw new UsageException(
          "Cannot use --max-images-per-run with --input-manifest (expected --input: a run takes"
              + " whole manifest files)");
    }
    if (imagesPerBatch < 1) {
      throw new UsageException(
          "Cannot use "
              + JobSettings.LABEL_IMAGES_PER_BATCH
              + " "
              + imagesPerBatch
              + " (expected a positive integer)");
    }
  }

  /** Labels every new image of {@code inference}'s input, in batches of the default size. */
  public static LabelConf of(InferenceConf inference) {
    return new LabelConf(inference, 0, IMAGES_PER_BATCH_DEFAULT, false, LOCK_TIMEOUT_DEFAULT);
  }

  public LabelConf withMaxImagesPerRun(int max) {
    return new LabelConf(inference, max, imagesPerBatch, retryErrors, lockTimeout);
  }

  public LabelConf withImagesPerBatch(int images) {
    return new LabelConf(inference, maxImagesPerRun, images, retryErrors, lockTimeout);
  }

  public LabelConf withRetryErrors(boolean retry) {
    return new LabelConf(inference, maxImagesPerRun, imagesPerBatch, retry, lockTimeout);
  }

  /**
   * New images per streaming batch: a capped run takes one batch of the cap, an uncapped one takes
   * the whole backlog in batches of {@code imagesPerBatch}.
   */
  public int filesPerTrigger() {
    return maxImagesPerRun > 0 ? maxImagesPerRun : imagesPerBatch;
  }
}
