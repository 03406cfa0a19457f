package org.mnv2.eval.coco;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * COCO bbox evaluation, identical to pycocotools' {@code COCOeval(iouType='bbox')}: {@code
 * evaluate()}, {@code accumulate()} and {@code summarize()} reproduce its 12 stats to the last bit
 * on its own reference data.
 *
 * <p>The work splits in three steps so that a Spark job can distribute it:
 *
 * <ol>
 *   <li>{@link #evaluateImage}: one image and one category, anywhere, given that image's ground
 *       truth and detections of that category; returns small serialisable records.
 *   <li>{@link #accumulate}: one category, over the records of all its images.
 *   <li>{@link #summarize} and {@link #perCategory}: over the per-category results.
 * </ol>
 *
 * {@link #evaluate} runs the three in memory. Conventions (see pycocotools): IoU thresholds {@code
 * linspace(.5, .95, 10)}, 101 recall points, area ranges all / small / medium / large with both
 * ends inclusive, maxDets 1 / 10 / 100 per image and category, greedy matching by descending score
 * with ties kept in input order, crowd regions absorbing detections, categories without ground
 * truth left out of every mean, -1 for a stat with nothing to average.
 */
public final class CocoEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(CocoEvaluator.class);

  private CocoEvaluator() {}

  /**
   * Step 1, pycocotools' {@code evaluateImg} for the four area ranges.
   *
   * @param groundTruth this image's annotations of this category, in instances-file order (among
   *     ground truth with equal IoU the later one is matched, as in pycocotools)
   * @param detections this image's detections of this category, in results-file order (ties in
   *     score keep this order); only the 100 best are kept
   * @return one record per {@link CocoAreaRange}, in its order; empty when there is neither ground
   *     truth nor detection (pycocotools' {@code None})
   * @throws IllegalArgumentException when an annotation or detection belongs to another image or
   *     category
   */
  public static List<CocoImageEvaluation> evaluateImage(
      long imageId,
      int categoryId,
      List<CocoAnnotation> groundTruth,
      List<CocoDetection> detections) {
    for (CocoAnnotation a : groundTruth) {
      if (a.imageId() != imageId || a.categoryId() != categoryId) {
        throw new IllegalArgumentException(
            "Cannot evaluate image "
                + imageId
                + ", category "
                + categoryId
                + ": annotation "
                + a.id()
                + " belongs elsewhere (expected image "
                + imageId
                + ", category "
                + categoryId
                + ", got image "
                + a.imageId()
                + ", category "
                + a.categoryId()
                + ")");
      }
    }
    for (CocoDetection d : detections) {
      if (d.imageId() != imageId || d.categoryId() != categoryId) {
        throw new IllegalArgumentException(
            "Cannot evaluate image "
                + imageId
                + ", category "
                + categoryId
                + ": a detection belongs elsewhere (expected image "
                + imageId
                + ", category "
                + categoryId
                + ", got image "
                + d.imageId()
                + ", category "
                + d.categoryId()
                + ")");
      }
    }
    return ImageMatcher.evaluate(imageId, categoryId, groundTruth, detections);
  }

  /**
   * Step 2, pycocotools' {@code accumulate} for one category. The records may come in any order
   * (they are put in ascending image id order, as pycocotools iterates images); images with neither
   * ground truth nor detections of the category need no record.
   *
   * @throws IllegalArgumentException when a record is of another category or an image appears twice
   *     in one area range
   */
  public static CocoCategoryAccumulation accumulate(
      int categoryId, Iterable<CocoImageEvaluation> evaluations) {
    return CategoryAccumulator.accumulate(categoryId, evaluations);
  }

  /**
   * Step 3, pycocotools' {@code summarize}: the 12 stats over all categories. Categories of the
   * ground truth that have no accumulation count as having no ground truth, so they may be left
   * out.
   *
   * @throws IllegalArgumentException when a category appears twice
   */
  public static CocoStats summarize(Collection<CocoCategoryAccumulation> categories) {
    return StatsSummarizer.summarize(byCategoryId(categories));
  }

  /**
   * metrics.json's {@code per_category}: one entry per ground-truth category, in ascending id
   * order, AP null where the category has no ground truth (or no accumulation).
   */
  public static List<CocoCategoryAp> perCategory(
      List<CocoCategory> categories, Collection<CocoCategoryAccumulation> accumulations) {
    Map<Integer, CocoCategoryAccumulation> byId = new HashMap<>();
    for (CocoCategoryAccumulation a : byCategoryId(accumulations)) {
      byId.put(a.categoryId(), a);
    }
    List<CocoCategoryAp> out = new ArrayList<>();
    categories.stream()
        .sorted(Comparator.comparingInt(CocoCategory::id))
        .forEach(
            c -> {
              CocoCategoryAccumulation a = byId.get(c.id());
              out.add(
                  new CocoCategoryAp(c.id(), c.name(), a == null ? null : a.averagePrecision()));
            });
    return out;
  }

  /**
   * The whole evaluation in memory: pycocotools' {@code loadRes} checks, then {@code evaluate},
   * {@code accumulate}, {@code summarize} over every image and category of {@code groundTruth}.
   *
   * @param detections in results-file order, as {@link CocoResults#read} returns them
   * @throws CocoFormatException when {@code detections} is empty or names an image or category that
   *     {@code groundTruth} does not have (see {@link CocoDataset#checkDetections})
   */
  public static CocoEvaluation evaluate(CocoDataset groundTruth, List<CocoDetection> detections) {
    long start = System.nanoTime();
    groundTruth.checkDetections(detections);
    Map<Integer, Map<Long, List<CocoAnnotation>>> gts = new HashMap<>();
    for (CocoAnnotation a : groundTruth.annotations()) {
      gts.computeIfAbsent(a.categoryId(), k -> new HashMap<>())
          .computeIfAbsent(a.imageId(), k -> new ArrayList<>())
          .add(a);
    }
    Map<Integer, Map<Long, List<CocoDetection>>> dts = new HashMap<>();
    for (CocoDetection d : detections) {
      dts.computeIfAbsent(d.categoryId(), k -> new HashMap<>())
          .computeIfAbsent(d.imageId(), k -> new ArrayList<>())
          .add(d);
    }
    List<CocoCategoryAccumulation> accumulations = new ArrayList<>();
    int pairs = 0;
    for (int categoryId : groundTruth.categoryIds()) {
      Map<Long, List<CocoAnnotation>> gtByImage = gts.getOrDefault(categoryId, Map.of());
      Map<Long, List<CocoDetection>> dtByImage = dts.getOrDefault(categoryId, Map.of());
      Set<Long> images = new HashSet<>(gtByImage.keySet());
      images.addAll(dtByImage.keySet());
      List<CocoImageEvaluation> evaluations = new ArrayList<>();
      for (long imageId : images) {
        evaluations.addAll(
            ImageMatcher.evaluate(
                imageId,
                categoryId,
                gtByImage.getOrDefault(imageId, List.of()),
                dtByImage.getOrDefault(imageId, List.of())));
      }
      pairs += images.size();
      accumulations.add(CategoryAccumulator.accumulate(categoryId, evaluations));
    }
    CocoStats stats = StatsSummarizer.summarize(accumulations);
    List<CocoCategoryAp> perCategory = perCategory(groundTruth.categories(), accumulations);
    LOG.info(
        "Evaluated {} detections against {} annotations ({} images, {} categories, {} image-category"
            + " pairs) in {} ms: AP {}",
        detections.size(),
        groundTruth.annotations().size(),
        groundTruth.images().size(),
        groundTruth.categories().size(),
        pairs,
        (System.nanoTime() - start) / 1_000_000,
        stats.ap());
    return new CocoEvaluation(groundTruth.images().size(), stats, perCategory);
  }

  private static List<CocoCategoryAccumulation> byCategoryId(
      Collection<CocoCategoryAccumulation> categories) {
    List<CocoCategoryAccumulation> sorted = new ArrayList<>(categories);
    sorted.sort(Comparator.comparingInt(CocoCategoryAccumulation::categoryId));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).categoryId() == sorted.get(i - 1).categoryId()) {
        throw new IllegalArgumentException(
            "Cannot summarize categories: category "
                + sorted.get(i).categoryId()
                + " is accumulated twice (expected one accumulation per category)");
      }
    }
    return sorted;
  }
}
