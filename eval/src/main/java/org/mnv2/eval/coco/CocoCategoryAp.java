package org.mnv2.eval.coco;

import java.io.Serializable;

/**
 * One entry of metrics.json's {@code per_category}: AP at IoU .50:.95, area all, maxDets 100.
 *
 * @param ap null where the category has no non-crowd ground truth (written as JSON null)
 */
public record CocoCategoryAp(int categoryId, String name, Double ap) implements Serializable {}
