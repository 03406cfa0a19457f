/**
 * COCO bbox evaluation, identical to pycocotools' {@code COCOeval(iouType='bbox')}, and the COCO
 * instances and results JSON formats. Spark-free: the Spark jobs call it per image on executors and
 * per category after a shuffle (see {@link org.mnv2.eval.coco.CocoEvaluator}).
 *
 * <p>Every computation follows pycocotools 2.0.x operation by operation, so the stats agree to the
 * last bit, not just within a tolerance: IoU thresholds and recall points are numpy {@code
 * linspace} values, box IoU is {@code maskApi.c bbIou}, sorts are stable like numpy's {@code
 * mergesort}, and the means use numpy's pairwise summation.
 *
 * <p>Where this package differs from pycocotools, it refuses input that pycocotools accepts and
 * then evaluates silently in a way nobody intends; for every input both accept, the results are the
 * same:
 *
 * <ul>
 *   <li>a detection whose category the ground truth does not list is an error (pycocotools drops it
 *       without a word; it usually means class indices were written instead of category ids);
 *   <li>a box with negative width or height is an error (pycocotools lets it match nothing, and
 *       with one negative side gives it a negative area that falls in no area range, so it is not
 *       even counted as a false positive); zero-size boxes are kept, as in pycocotools;
 *   <li>duplicate image, category or annotation ids, and annotations naming an image or category
 *       that the file does not list, are errors (pycocotools keeps the last duplicate and ignores
 *       the strays);
 *   <li>an empty results list and a detection on an unknown image are errors with a message
 *       (pycocotools fails with an {@code IndexError} and an assertion);
 *   <li>an annotation without {@code iscrowd} counts as not crowd (pycocotools fails with a {@code
 *       KeyError}); an annotation without {@code area} or {@code bbox} is an error in both.
 * </ul>
 *
 * <p>One pycocotools quirk is kept on purpose because the stats depend on it: a detection matched
 * to a ground-truth annotation whose id is 0 counts as unmatched (a false positive) while still
 * using up that annotation.
 */
package org.mnv2.eval.coco;
