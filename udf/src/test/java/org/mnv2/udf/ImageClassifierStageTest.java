package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.UsageException;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.udf.ExecutorSessions.SessionLease;
import org.mnv2.udf.ml.ImageClassifier;
import org.mnv2.udf.ml.ObjectDetector;

/**
 * The classification pipeline stage on a DataFrame of the user's own columns: every row and column
 * kept in order, the struct appended, bad and missing images as error rows, the same top-k as the
 * jobs' runner layout, and the stage's params through save and load.
 */
class ImageClassifierStageTest extends UdfSparkTestBase {
  private static final StructType USER_ROWS =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("content", DataTypes.BinaryType, true)
          .add("note", DataTypes.StringType, true);

  private static Dataset<Row> userRows(int partitions) {
    int[] colours = {0xD02020, 0x2040D0, 0x20B040, 0xE0C020, 0x9030C0};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] content =
          switch (i) {
            case 2 -> new byte[] {1, 2, 3};
            case 5 -> null;
            default -> png(colours[i % colours.length]);
          };
      rows.add(RowFactory.create(i, content, "note-" + i));
    }
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        USER_ROWS);
  }

  @Test
  void keepsEveryRowAndColumnInOrderAndAppendsTheStruct() {
    ExecutorSessions.closeIdle();
    Dataset<Row> input = userRows(3);
    ImageClassifier stage =
        new ImageClassifier().setModel("synth-mobilenetv2").setBatchSize(3).setTopK(3);

    Dataset<Row> out = stage.transform(input);
    List<Row> rows = out.collectAsList();

    assertThat(out.columns()).containsExactly("id", "content", "note", "prediction");
    assertThat(out.schema().apply("prediction").dataType())
        .isEqualTo(Schemas.predictionStruct(ClassificationRows.COLUMNS));
    assertThat(rows).extracting(r -> r.getInt(0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    List<Row> in = input.collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).<byte[]>getAs("content"))
          .as("row %d content", i)
          .isEqualTo(in.get(i).<byte[]>getAs("content"));
      assertThat(rows.get(i).getString(2)).isEqualTo("note-" + i);
    }
    Row bad = rows.get(2).getStruct(3);
    assertThat(bad.<String>getAs("status")).isEqualTo("error");
    assertThat(bad.<String>getAs("error")).startsWith("Cannot decode image: unknown format");
    assertThat(bad.isNullAt(bad.fieldIndex("predictions"))).isTrue();
    assertThat(bad.isNullAt(bad.fieldIndex("width"))).isTrue();
    Row missing = rows.get(5).getStruct(3);
    assertThat(missing.<String>getAs("status")).isEqualTo("error");
    assertThat(missing.<String>getAs("error"))
        .isEqualTo("Cannot read image: column 'content' is null");
    for (int i : new int[] {0, 1, 3, 4, 6, 7}) {
      Row p = rows.get(i).getStruct(3);
      assertThat(p.<String>getAs("status")).as("row %d", i).isEqualTo("ok");
      assertThat(p.isNullAt(p.fieldIndex("error"))).isTrue();
      assertThat(p.<Integer>getAs("width")).isEqualTo(40);
      assertThat(p.<Integer>getAs("height")).isEqualTo(30);
      assertThat(p.getList(p.fieldIndex("predictions"))).hasSize(3);
    }
    SessionKey key = new SessionKey(spec.sha256(), SessionOptions.cpu(1));
    assertThat(ExecutorSessions.keys())
        .as("sessions in this (the only) executor")
        .containsExactly(key);
    assertThat(ExecutorSessions.holders(key)).as("leases held after the query").isZero();
    ModelHandle handle =
        ModelHandles.prepare(
            spark,
            spec,
            InferenceTasks.forSpec(spec, TaskOptions.defaults()),
            1,
            1,
            DeviceMode.CPU);
    try (SessionLease lease = ExecutorSessions.acquire(handle, -1)) {
      assertThat(lease.builtNow()).as("the session the three tasks shared").isFalse();
      assertThat(lease.session().predictorsOpened()).as("one predictor per task").isEqualTo(3);
    }
  }

  @Test
  void givesTheTopKOfTheJobsRunnerLayoutOnTheSameImages() throws Exception {
    Dataset<Row> input = userRows(2);
    List<Row> staged =
        new ImageClassifier().setModel("synth-mobilenetv2").transform(input).collectAsList();
    ModelHandle handle =
        ModelHandles.prepare(
            spark,
            spec,
            InferenceTasks.forSpec(spec, TaskOptions.defaults()),
            1,
            8,
            DeviceMode.CPU);
    List<Row> pathRows = new ArrayList<>();
    for (Row r : input.collectAsList()) {
      pathRows.add(RowFactory.create("mem:/" + r.getInt(0), r.get(1)));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    PartitionRunner<?> jobsRunner =
        new PartitionRunner(
            handle, InferenceTasks.forSpec(spec, TaskOptions.defaults()), "r", null, null);
    List<Row> reference = new ArrayList<>();
    jobsRunner.call(pathRows.iterator()).forEachRemaining(reference::add);

    assertThat(staged).hasSameSizeAs(reference);
    for (int i = 0; i < staged.size(); i++) {
      Row p = staged.get(i).getStruct(3);
      Row ref = reference.get(i);
      assertThat(p.<String>getAs("status")).as("row %d", i).isEqualTo(ref.getString(3));
      assertThat(p.<String>getAs("error")).as("row %d", i).isEqualTo(errorOf(ref));
      if (!ref.isNullAt(7)) {
        assertThat(p.getList(p.fieldIndex("predictions")).toString())
            .as("row %d top-5", i)
            .isEqualTo(List.of((Row[]) ref.get(7)).toString());
      }
    }
  }

  /** The predictions layout names a null content the same way, by index: only the name differs. */
  private static String errorOf(Row ref) {
    String error = ref.getString(4);
    return error == null ? null : error.replace("column #1", "column 'content'");
  }

  @Test
  void transformSchemaReportsTheOutputAndRefusesUnusableColumns() {
    ImageClassifier stage = new ImageClassifier().setModel("synth-mobilenetv2");

    StructType schema = stage.setOutputCol("top").transformSchema(USER_ROWS);

    assertThat(schema.fieldNames()).containsExactly("id", "content", "note", "top");
    assertThat(schema.apply("top").dataType())
        .isEqualTo(Schemas.predictionStruct(ClassificationRows.COLUMNS));
    assertThat(schema.apply("top").metadata()).isEqualTo(Metadata.empty());
    assertThatThrownBy(() -> stage.setInputCol("id").transformSchema(USER_ROWS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read images from column 'id': its type is int (expected binary content or a"
                + " string URI)");
    assertThatThrownBy(
            () -> stage.setInputCol("content").setOutputCol("note").transformSchema(USER_ROWS))
        .hasMessage("Cannot append column 'note': the input has a column of that name");
    assertThatThrownBy(() -> stage.setDevice("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter device given invalid value tpu");
    assertThatThrownBy(() -> new ImageClassifier().setBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter batchSize given invalid value 0");
    assertThatThrownBy(() -> new ObjectDetector().setModel("synth-mobilenetv2"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use model synth-mobilenetv2 in ObjectDetector: its task is classification"
                + " (expected detection)");
  }

  @Test
  void savedStageLoadsWithItsParamsAndSpec(@TempDir Path dir) throws Exception {
    ImageClassifier stage =
        new ImageClassifier()
            .setModel("synth-mobilenetv2")
            .setInputCol("content")
            .setOutputCol("top")
            .setBatchSize(4)
            .setThreads(1)
            .setDevice("cpu")
            .setTopK(2);
    String path = dir.resolve("stage").toString();

    stage.write().save(path);
    ImageClassifier loaded = ImageClassifier.load(path);

    assertThat(loaded.uid()).isEqualTo(stage.uid());
    assertThat(loaded.getModel()).isEqualTo("synth-mobilenetv2");
    assertThat(loaded.getOutputCol()).isEqualTo("top");
    assertThat(loaded.getBatchSize()).isEqualTo(4);
    assertThat(loaded.getDevice()).isEqualTo("cpu");
    assertThat(loaded.getTopK()).isEqualTo(2);
    assertThat(loaded.getOrDefault(loaded.specText()))
        .isEqualTo(
            java.nio.file.Files.readString(
                projectRoot().resolve("conf/models/synth-mobilenetv2.yaml")));
    List<Row> top = loaded.transform(userRows(1)).select("top.predictions").collectAsList();
    assertThat(top.get(0).<Row>getList(0)).hasSize(2);
  }
}
