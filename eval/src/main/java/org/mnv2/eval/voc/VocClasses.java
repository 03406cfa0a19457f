package org.mnv2.eval.voc;

import java.util.List;

/** The 21 PASCAL VOC segmentation classes in label order (0 background, 1..20 the objects). */
public final class VocClasses {
  public static final List<String> NAMES =
      List.of(
          "background",
          "aeroplane",
          "bicycle",
          "bird",
          "boat",
          "bottle",
          "bus",
          "car",
          "cat",
          "chair",
          "cow",
          "diningtable",
          "dog",
          "horse",
          "motorbike",
          "person",
          "pottedplant",
          "sheep",
          "sofa",
          "train",
          "tvmonitor");

  private VocClasses() {}
}
