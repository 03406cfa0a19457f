package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.model.image.Preprocessor;
import org.mnv2.model.runtime.InputBatch;
import org.mnv2.model.runtime.OnnxSession;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.ModelSpec;

/**
 * The detect job's boxes and scores for the real SSD FPN-lite on three COCO images against a
 * decoding written here from PROVENANCE.md's formula, straight from the model's raw outputs (the
 * same preprocessed input, batch 1 in both, so the int8 outputs are the same on any one CPU): the
 * best (anchor, class) probability must be the first detection's score, and every detection must be
 * some anchor's probability of its class with that anchor's box, decoded as the vendor does: xmin =
 * a_xmin + e0 (a_xmax - a_xmin), ymin = a_ymin + e1 (a_ymax - a_ymin), xmax = a_xmax + e2 (a_xmax -
 * a_xmin), ymax = a_ymax + e3 (a_ymax - a_ymin), times 256, clipped, then scaled to the original
 * image.
 */
class SsdFpnliteDecodingParityTest extends SparkTestBase {
  static final List<String> IMAGES =
      List.of("000000000009.jpg", "000000000074.jpg", "000000000025.jpg");
  static final int ANCHORS = 6820;
  static final int COLUMNS = 81;

  @Test
  void detectJobMatchesTheVendorDecodingOfTheRawOutputs(@TempDir Path dir) throws IOException {
    Path onnx = fixture("models/ssd_mobilenet_v2_fpnlite_10_256_int8.onnx");
    Path coco = fixture("coco/coco128-part1/images");
    Path images = Files.createDirectories(dir.resolve("images"));
    for (String name : IMAGES) {
      Files.copy(coco.resolve(name), images.resolve(name));
    }
    ModelSpec spec = Fixtures.spec("ssd-mobilenetv2-fpnlite-coco", onnx);

    DetectJob.run(
        spark,
        InferenceConf.of(images.toString(), dir.resolve("out").toString(), spec)
            .withBatching(1, 1));

    Map<String, List<Row>> job = new java.util.HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(dir.resolve("out/predictions").toString())
            .selectExpr("regexp_extract(image_uri, '[^/]+$', 0) AS file", "detections")
            .collectAsList()) {
      job.put(r.getString(0), r.getList(1));
    }
    Preprocessor pre = new Preprocessor(spec.input());
    int[] categoryIds = spec.labels().categoryIds();
    try (OnnxSession session =
        OnnxSession.open(spec, Files.readAllBytes(onnx), SessionOptions.cpu(1))) {
      for (String name : IMAGES) {
        Preprocessor.Prepared prepared =
            pre.prepare(pre.decode(Files.readAllBytes(images.resolve(name))));
        InputBatch batch = new InputBatch(spec.input(), 1);
        pre.writeBytes(prepared.rgb(), batch.bytes(), 0);
        batch.setSize(1);
        Map<String, Tensor> raw = session.run(batch);
        float[] scores = raw.get("StatefulPartitionedCall:2").data();
        float[] codes = raw.get("StatefulPartitionedCall:1").data();
        float[] anchors = raw.get("StatefulPartitionedCall:0").data();
        double sx = prepared.geometry().originalWidth() / 256.0;
        double sy = prepared.geometry().originalHeight() / 256.0;
        List<Row> detections = job.get(name);
        assertThat(detections).as(name).hasSize(100);

        float best = 0;
        for (int a = 0; a < ANCHORS; a++) {
          for (int c = 1; c < COLUMNS; c++) {
            best = Math.max(best, scores[a * COLUMNS + c]);
          }
        }
        // The best candidate is never suppressed (quantised probabilities may tie: any of them).
        assertThat(detections.get(0).getFloat(2)).as(name + " best score").isEqualTo(best);

        List<String> unexplained = new ArrayList<>();
        for (Row d : detections) {
          int c = indexOf(categoryIds, d.getInt(0)) + 1;
          boolean found = false;
          for (int a = 0; a < ANCHORS && !found; a++) {
            found =
                scores[a * COLUMNS + c] == d.getFloat(2)
                    && matches(d, box(codes, anchors, a, sx, sy));
          }
          if (!found) {
            unexplained.add(d.toString());
          }
        }
        assertThat(unexplained).as(name + ": detections no anchor explains").isEmpty();
      }
    }
  }

  /** The vendor's decoding of anchor a in original pixels, [x, y, width, height]. */
  private static double[] box(float[] e, float[] anchor, int a, double sx, double sy) {
    double ax1 = anchor[a * 4];
    double ay1 = anchor[a * 4 + 1];
    double ax2 = anchor[a * 4 + 2];
    double ay2 = anchor[a * 4 + 3];
    double x1 = clip((ax1 + e[a * 4] * (ax2 - ax1)) * 256) * sx;
    double y1 = clip((ay1 + e[a * 4 + 1] * (ay2 - ay1)) * 256) * sy;
    double x2 = clip((ax2 + e[a * 4 + 2] * (ax2 - ax1)) * 256) * sx;
    double y2 = clip((ay2 + e[a * 4 + 3] * (ay2 - ay1)) * 256) * sy;
    return new double[] {x1, y1, x2 - x1, y2 - y1};
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(256, v));
  }

  /** Within 0.01 pixel: the pipeline works in float32, this decoding in double. */
  private static boolean matches(Row detection, double[] expected) {
    List<Float> bbox = detection.getList(3);
    for (int k = 0; k < 4; k++) {
      if (Math.abs(bbox.get(k) - expected[k]) > 0.01) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    throw new AssertionError("category id " + value + " is not in the spec");
  }
}
