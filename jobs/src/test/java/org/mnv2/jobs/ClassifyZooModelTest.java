package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.InputSpec;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.ExecutorSessions;

/**
 * The real MobileNetV2 (ONNX Model Zoo, int8) on real ImageNet photos through the shipped spec
 * {@code mobilenetv2-onnx-zoo}: top-1 must agree with the fixture's torchvision-preprocessed
 * reference and with the ground truth as often as the acceptance criteria say.
 *
 * <p>The model is int8: near a decision boundary ONNX Runtime's answer depends on the CPU's int8
 * kernels (VNNI or AVX2), so a photo agrees when its top-1 is the reference recorded on either kind
 * of CPU (labels.csv's reference_top1 and reference_top1_vnni differ on 2 of 17). The ground-truth
 * floor holds for both: the AVX2 reference equals the ground truth on 12 of 17, the VNNI one on 14.
 * fp32 models are compared strictly (SynthClassifierTest's golden parity).
 */
class ClassifyZooModelTest extends SparkTestBase {

  private static ModelSpec zoo() {
    return Fixtures.spec("mobilenetv2-onnx-zoo", fixture("models/mobilenetv2-12-int8.onnx"));
  }

  /** The reference decoded at full size (torchvision's PIL pipeline): so does this run. */
  @Test
  void reproducesTorchvisionReferenceTop1(@TempDir Path out) {
    Path images = fixture("imagenet/images");
    Map<String, Fixtures.ImagenetLabel> labels =
        Fixtures.imagenetLabels(fixture("imagenet/labels.csv"));
    InferenceConf conf =
        InferenceConf.of(
                images.toString(), out.toString(), zoo().withDecode(InputSpec.Decode.EXACT))
            .withBatching(8, 2);
    ExecutorSessions.closeIdle();

    RunSummary summary = ClassifyJob.run(spark, conf);

    assertThat(summary.images()).isEqualTo(17);
    assertThat(summary.ok()).isEqualTo(17);
    // 17 images, 2 per partition -> 9 partitions over local[2]: still one session in this JVM.
    assertThat(summary.sessionsBuilt()).isEqualTo(1);
    // scripts/test installs libjpeg-turbo, so the executors decode through it and say so.
    assertThat(summary.jpegDecoders()).containsExactly("turbojpeg");
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr(
                "regexp_extract(image_uri, '[^/]+$', 0) AS file",
                "predictions[0].class_index AS top1",
                "predictions[0].label AS label",
                "size(predictions) AS k")
            .collectAsList();
    List<String> disagreements = new java.util.ArrayList<>();
    int agreeReference = 0;
    int agreeTruth = 0;
    for (Row r : rows) {
      Fixtures.ImagenetLabel expected = labels.get(r.getString(0));
      assertThat(expected).as("labels.csv row for %s", r.getString(0)).isNotNull();
      assertThat(r.getInt(3)).as("top-k size").isEqualTo(5);
      if (expected.matchesAReference(r.getInt(1))) {
        agreeReference++;
      } else {
        disagreements.add(
            r.getString(0)
                + ": "
                + r.getInt(1)
                + " vs "
                + expected.referenceTop1()
                + " / "
                + expected.referenceTop1Vnni());
      }
      agreeTruth += r.getInt(1) == expected.truth() ? 1 : 0;
    }
    assertThat(agreeReference)
        .as("top-1 equal to reference_top1 or reference_top1_vnni; differs on %s", disagreements)
        .isGreaterThanOrEqualTo(16);
    assertThat(agreeTruth).as("top-1 equal to ground truth").isGreaterThanOrEqualTo(11);
  }

  /**
   * The shipped spec decodes DCT-scaled (a 500x375 photo at 6/8 for the 256 resize): on the 17
   * photos its top-1 equals the full-size decode's on all 17 here (ground truth 14/17 both ways; on
   * the 64 coco128 scenes, several objects each, 52 of 64). The floor is 16: the int8 model's
   * near-ties may break either way on another CPU kind.
   */
  @Test
  void scaledDecodingAgreesWithTheFullSizeDecodeOnTop1(@TempDir Path out) {
    assertThat(zoo().input().decode()).isEqualTo(InputSpec.Decode.SCALED);
    Map<String, Fixtures.ImagenetLabel> labels =
        Fixtures.imagenetLabels(fixture("imagenet/labels.csv"));
    Map<String, Integer> exact =
        top1(out.resolve("exact"), zoo().withDecode(InputSpec.Decode.EXACT));
    Map<String, Integer> scaled = top1(out.resolve("scaled"), zoo());

    assertThat(scaled).hasSize(17).containsOnlyKeys(exact.keySet());
    long same = exact.keySet().stream().filter(f -> exact.get(f).equals(scaled.get(f))).count();
    assertThat(same)
        .as("same top-1 as the full-size decode: %s vs %s", scaled, exact)
        .isGreaterThanOrEqualTo(16);
    long truth =
        scaled.entrySet().stream()
            .filter(e -> e.getValue() == labels.get(e.getKey()).truth())
            .count();
    assertThat(truth).as("top-1 equal to ground truth").isGreaterThanOrEqualTo(12);
  }

  private Map<String, Integer> top1(Path out, ModelSpec spec) {
    ClassifyJob.run(
        spark,
        InferenceConf.of(fixture("imagenet/images").toString(), out.toString(), spec)
            .withBatching(8, 9));
    Map<String, Integer> top1 = new java.util.TreeMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr("regexp_extract(image_uri, '[^/]+$', 0)", "predictions[0].class_index")
            .collectAsList()) {
      top1.put(r.getString(0), r.getInt(1));
    }
    return top1;
  }

  /**
   * The TFLite MobileNetV2 1.0 224 (STMicroelectronics' int8 per-tensor export, uint8 NHWC in,
   * probabilities out) through the shipped spec {@code mobilenetv2-tflite-int8}: PROVENANCE.md's
   * reference (stretch to 224, antialiased bilinear) equals the ground truth on 13 of 17 photos.
   * That figure is the floor, chosen to hold on either kind of CPU: this VNNI CPU gives 14, and of
   * the 14 the top-1 leads the runner-up by at least 0.168 in probability on 13; the 14th
   * (n02123045_tabby, margin < 0.001) is a tie of the quantised probabilities, which another CPU's
   * int8 kernels may break the other way.
   */
  @Test
  void tfliteInt8ReachesTheReferenceGroundTruthFigure(@TempDir Path out) {
    Path images = fixture("imagenet/images");
    Map<String, Fixtures.ImagenetLabel> labels =
        Fixtures.imagenetLabels(fixture("imagenet/labels.csv"));
    InferenceConf conf =
        InferenceConf.of(
                images.toString(),
                out.toString(),
                Fixtures.spec(
                    "mobilenetv2-tflite-int8",
                    fixture("models/mobilenet_v2_1.0_224_int8_per_tensor.onnx")))
            .withBatching(8, 9);

    RunSummary summary = ClassifyJob.run(spark, conf);

    assertThat(summary.ok()).isEqualTo(17);
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr(
                "regexp_extract(image_uri, '[^/]+$', 0) AS file",
                "predictions[0].class_index AS top1",
                "predictions[0].score - predictions[1].score AS margin",
                "predictions[0].label AS label")
            .collectAsList();
    List<String> seen = new java.util.ArrayList<>();
    int agreeTruth = 0;
    for (Row r : rows) {
      Fixtures.ImagenetLabel expected = labels.get(r.getString(0));
      assertThat(expected).as("labels.csv row for %s", r.getString(0)).isNotNull();
      boolean right = r.getInt(1) == expected.truth();
      agreeTruth += right ? 1 : 0;
      seen.add(
          String.format(
              java.util.Locale.ROOT,
              "%s: %d %s (truth %d, margin %.3f)",
              r.getString(0),
              r.getInt(1),
              r.getString(3),
              expected.truth(),
              r.getFloat(2)));
    }
    assertThat(agreeTruth)
        .as("top-1 equal to the ground truth; %s", seen)
        .isGreaterThanOrEqualTo(13);
  }
}
