package org.mnv2.jobs.evaluation.voc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.SparkTestBase;
import org.mnv2.model.mask.PaletteMasks;

/**
 * The executor side of eval-voc: a file's own faults become a problem message naming it, anything
 * else fails the task, so a bug never reads as bad input.
 */
class VocMatricesTest extends SparkTestBase {
  private VocMatrices.MatrixPartition partition;

  @BeforeEach
  void partition() {
    var conf =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    partition = new VocMatrices.MatrixPartition(21, conf);
  }

  @Test
  void aPredictionThatIsNotAPaletteMaskIsAProblemNamingIt(@TempDir Path dir) throws Exception {
    Path truth = dir.resolve("a.png");
    Files.write(truth, PaletteMasks.encodePng(new byte[] {0, 1, 1, 0}, 2, 2));

    Iterator<VocMatrices.PartitionResult> out =
        partition.call(
            List.of(RowFactory.create("a", truth.toString(), "pred/a.png", new byte[] {1, 2}))
                .iterator());

    VocMatrices.PartitionResult result = out.next();
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.problems())
        .singleElement()
        .asString()
        .startsWith("Cannot decode mask the mask_png of pred/a.png: not a PNG file");
  }

  @Test
  void aFailureThatIsNotTheFilesFaultFailsTheTask() {
    // Hadoop's Path refuses an empty string with an IllegalArgumentException: not a mask's fault.
    Iterator<Row> rows = List.of(RowFactory.create("a", "", "pred/a.png", null)).iterator();

    assertThatThrownBy(() -> partition.call(rows))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty string");
  }
}
