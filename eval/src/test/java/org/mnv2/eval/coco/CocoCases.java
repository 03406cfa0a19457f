package org.mnv2.eval.coco;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small in-memory COCO datasets for hand-computed test cases. */
final class CocoCases {
  private final Map<Long, CocoImage> images = new TreeMap<>();
  private final List<CocoAnnotation> annotations = new ArrayList<>();
  private final Map<Integer, CocoCategory> categories = new TreeMap<>();
  private final List<CocoDetection> detections = new ArrayList<>();
  private long nextAnnotationId = 1;

  CocoCases image(long id) {
    images.put(id, new CocoImage(id, id + ".jpg", 640, 480));
    return this;
  }

  CocoCases category(int id) {
    categories.put(id, new CocoCategory(id, "class" + id));
    return this;
  }

  /** Ground truth whose area field is its box area. */
  CocoCases gt(long imageId, int categoryId, double x, double y, double w, double h) {
    return gt(imageId, categoryId, x, y, w, h, w * h, false);
  }

  CocoCases crowd(long imageId, int categoryId, double x, double y, double w, double h) {
    return gt(imageId, categoryId, x, y, w, h, w * h, true);
  }

  CocoCases gt(
      long imageId,
      int categoryId,
      double x,
      double y,
      double w,
      double h,
      double area,
      boolean crowd) {
    image(imageId);
    category(categoryId);
    annotations.add(
        new CocoAnnotation(
            nextAnnotationId++, imageId, categoryId, new XywhBox(x, y, w, h), area, crowd));
    return this;
  }

  CocoCases dt(long imageId, int categoryId, double x, double y, double w, double h, double score) {
    image(imageId);
    category(categoryId);
    detections.add(new CocoDetection(imageId, categoryId, new XywhBox(x, y, w, h), score));
    return this;
  }

  CocoDataset dataset() {
    return new CocoDataset(
        List.copyOf(images.values()), annotations, List.copyOf(categories.values()));
  }

  List<CocoDetection> detections() {
    return List.copyOf(detections);
  }

  CocoEvaluation evaluate() {
    return CocoEvaluator.evaluate(dataset(), detections());
  }
}
