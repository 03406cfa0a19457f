package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.storage.Json;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.mask.PaletteMasks;

/**
 * {@code eval-voc --predictions} on hand-made VOC trees: the split is one confusion matrix summed
 * over partitions (not a per-image average), and every kind of bad input fails with a message
 * naming the file.
 */
class EvalVocPredictionsTest extends SparkTestBase {
  private static final byte X = (byte) 255;

  @TempDir Path dir;

  private Path root() {
    return dir.resolve("voc");
  }

  private Path predictions() {
    return dir.resolve("preds");
  }

  /** Writes image {@code id}: a 2x2 ground truth and prediction, and its line in val.txt. */
  private void image(String id, byte[] truth, byte[] prediction) throws IOException {
    write(root().resolve("SegmentationClass/" + id + ".png"), PaletteMasks.encodePng(truth, 2, 2));
    write(predictions().resolve(id + ".png"), PaletteMasks.encodePng(prediction, 2, 2));
    write(root().resolve("JPEGImages/" + id + ".jpg"), new byte[] {1});
    Path list = root().resolve("ImageSets/Segmentation/val.txt");
    Files.createDirectories(list.getParent());
    String before = Files.exists(list) ? Files.readString(list) : "";
    Files.writeString(list, before + id + "\n");
  }

  private static void write(Path path, byte[] bytes) throws IOException {
    Files.createDirectories(path.getParent());
    Files.write(path, bytes);
  }

  private EvalVocConf conf() {
    return EvalVocConf.withPredictions(
            root().toString(), null, predictions().toString(), dir.resolve("out").toString())
        .withLabels(List.of("background", "a", "b"));
  }

  @Test
  void theSplitIsOneMatrixSummedOverPartitions() throws IOException {
    // alone: a has mIoU 1 and b 0.25 (IoU0 0/2, IoU1 2/4); per-image average 0.625.
    image("a", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    image("b", new byte[] {1, 1, 1, 1}, new byte[] {1, 1, 0, 0});
    image("c", new byte[] {X, X, X, 0}, new byte[] {2, 2, 2, 0}); // 255 ignored: one (0,0) pixel

    EvalVocJob.Result result = EvalVocJob.run(spark, conf());

    // Summed: (0,0) 5, (1,0) 2, (1,1) 2 -> IoU0 5/7, IoU1 2/4, class b in neither.
    assertThat(result.metrics().images()).isEqualTo(3);
    assertThat(result.metrics().meanIoU()).isCloseTo((5 / 7.0 + 0.5) / 2, within(1e-12));
    assertThat(result.metrics().pixelAccuracy()).isCloseTo(7 / 9.0, within(1e-12));
    assertThat(result.metrics().meanClassAccuracy()).isCloseTo((1 + 0.5) / 2, within(1e-12));
    assertThat(result.split()).isEqualTo("val");

    JsonNode json = Json.mapper().readTree(dir.resolve("out/metrics.json").toFile());
    assertThat(json.get("task").asText()).isEqualTo("segmentation");
    assertThat(json.get("images").asInt()).isEqualTo(3);
    assertThat(json.get("mIoU").asDouble()).isCloseTo((5 / 7.0 + 0.5) / 2, within(1e-12));
    assertThat(json.get("per_class")).hasSize(3);
    assertThat(json.get("per_class").get(1).get("name").asText()).isEqualTo("a");
    assertThat(json.get("per_class").get(2).get("IoU").isNull()).as("class b: in neither").isTrue();
    List<Row> rows =
        spark
            .read()
            .parquet(dir.resolve("out/metrics").toString())
            .orderBy("class_index")
            .collectAsList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).getAs("truth_pixels").equals(4L)).isTrue();
    assertThat(rows.get(2).isNullAt(rows.get(2).fieldIndex("iou"))).isTrue();
    assertThat(Files.exists(dir.resolve("out/summary.json"))).isTrue();
  }

  @Test
  void aPredictionOfAnotherSizeIsNamedNotResized() throws IOException {
    image("a", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    image("b", new byte[] {1, 1, 1, 1}, new byte[] {1, 1, 0, 0});
    write(predictions().resolve("b.png"), PaletteMasks.encodePng(new byte[6], 3, 2));

    assertThatThrownBy(() -> EvalVocJob.run(spark, conf()))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("Cannot evaluate VOC split val: 1 of 2 images could not be evaluated")
        .hasMessageContaining(
            "Cannot evaluate "
                + predictions().resolve("b.png")
                + " against "
                + root().resolve("SegmentationClass/b.png")
                + ": the prediction is not the ground truth's size (expected 2x2, got 3x2;");
  }

  @Test
  void anRgbMaskIsNamed() throws IOException {
    image("a", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(rgb, "png", root().resolve("SegmentationClass/a.png").toFile());

    assertThatThrownBy(() -> EvalVocJob.run(spark, conf()))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(
            "Cannot decode mask "
                + root().resolve("SegmentationClass/a.png")
                + ": not a palette PNG (expected an indexed-colour PNG whose pixels are class"
                + " indices, got RGB");
  }

  @Test
  void aMissingPredictionIsNamedBeforeAnyWork() throws IOException {
    image("a", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    image("b", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    Files.delete(predictions().resolve("b.png"));

    assertThatThrownBy(() -> EvalVocJob.run(spark, conf()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "Cannot read VOC split val: prediction "
                + predictions().resolve("b.png")
                + " is missing");
    assertThat(Files.exists(dir.resolve("out"))).as("nothing written").isFalse();
  }

  @Test
  void aListedImageWithoutItsJpegIsNamedBeforeTheModelLoads() throws IOException {
    image("a", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    image("2007_000033", new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0});
    Files.delete(root().resolve("JPEGImages/2007_000033.jpg"));
    EvalVocConf withModel =
        EvalVocConf.withModel(
            root().toString(),
            "val",
            InferenceConf.of(
                root().toString(),
                dir.resolve("out").toString(),
                Fixtures.spec("deeplabv3-mobilenetv2-tf", dir.resolve("not-read.onnx"))));

    assertThatThrownBy(() -> EvalVocJob.run(spark, withModel))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read VOC split val: image "
                + root().resolve("JPEGImages/2007_000033.jpg")
                + " is missing (listed in "
                + root().resolve("ImageSets/Segmentation/val.txt")
                + "; expected a file for every listed image, got 1 of 2 missing)");
  }
}
