package org.mnv2.eval.coco;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the three public steps the way a Spark job would: group by (image, category), evaluate each
 * group, ship the records through Java serialisation, shuffle them, group by category, accumulate,
 * summarise.
 */
record SplitEvaluation(CocoStats stats, List<CocoCategoryAp> perCategory) {

  static SplitEvaluation run(CocoDataset gt, List<CocoDetection> dts, long seed) {
    Map<String, List<CocoAnnotation>> gtGroups = new LinkedHashMap<>();
    for (CocoAnnotation a : gt.annotations()) {
      gtGroups.computeIfAbsent(a.imageId() + "/" + a.categoryId(), k -> new ArrayList<>()).add(a);
    }
    Map<String, List<CocoDetection>> dtGroups = new LinkedHashMap<>();
    for (CocoDetection d : dts) {
      dtGroups.computeIfAbsent(d.imageId() + "/" + d.categoryId(), k -> new ArrayList<>()).add(d);
    }
    List<String> keys = new ArrayList<>(gtGroups.keySet());
    dtGroups.keySet().stream().filter(k -> !gtGroups.containsKey(k)).forEach(keys::add);
    List<CocoImageEvaluation> records = new ArrayList<>();
    for (String key : keys) {
      String[] parts = key.split("/");
      records.addAll(
          CocoEvaluator.evaluateImage(
              Long.parseLong(parts[0]),
              Integer.parseInt(parts[1]),
              gtGroups.getOrDefault(key, List.of()),
              dtGroups.getOrDefault(key, List.of())));
    }
    List<CocoImageEvaluation> shipped = roundTrip(records);
    Collections.shuffle(shipped, new Random(seed));
    Map<Integer, List<CocoImageEvaluation>> byCategory = new LinkedHashMap<>();
    for (CocoImageEvaluation e : shipped) {
      byCategory.computeIfAbsent(e.categoryId(), k -> new ArrayList<>()).add(e);
    }
    List<CocoCategoryAccumulation> accumulations = new ArrayList<>();
    byCategory.forEach((id, list) -> accumulations.add(CocoEvaluator.accumulate(id, list)));
    List<CocoCategoryAccumulation> shippedAccumulations = roundTrip(accumulations);
    Collections.shuffle(shippedAccumulations, new Random(seed + 1));
    return new SplitEvaluation(
        CocoEvaluator.summarize(shippedAccumulations),
        CocoEvaluator.perCategory(gt.categories(), shippedAccumulations));
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> roundTrip(List<T> values) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(new ArrayList<>(values));
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (List<T>) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
