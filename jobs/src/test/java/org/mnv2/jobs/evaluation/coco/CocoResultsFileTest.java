package org.mnv2.jobs.evaluation.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.eval.coco.CocoDataset;
import org.mnv2.jobs.SparkTestBase;

/**
 * The executor side of reading a results file: the file's own faults become an error row (reported
 * as a usage error naming the file), anything else fails the task, so a bug never reads as bad
 * input.
 */
class CocoResultsFileTest extends SparkTestBase {
  private static CocoResultsFile.Parse parse;

  @BeforeAll
  static void parser() throws Exception {
    Path gt = fixture("coco/val2014-100-golden/instances_val2014_100.json");
    CocoDataset dataset;
    try (var in = Files.newInputStream(gt)) {
      dataset = CocoDataset.read(in, gt.toString());
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<CocoDataset> groundTruth = jsc.broadcast(dataset);
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    parse = new CocoResultsFile.Parse(groundTruth, conf);
  }

  @Test
  void aMalformedFileIsAnErrorRowNamingIt(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("results.json");
    Files.writeString(bad, "[{\"image_id\": 1,");

    List<Row> rows = iterate(parse.call(bad.toString()));

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString(CocoResultsFile.PARSED.fieldIndex("error")))
        .startsWith("Cannot read COCO results " + bad);
  }

  @Test
  void aFailureThatIsNotTheFilesFaultIsNotAnErrorRow() {
    // Hadoop's Path refuses an empty string with an IllegalArgumentException: not a format error.
    assertThatThrownBy(() -> parse.call(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty string");
  }

  private static List<Row> iterate(java.util.Iterator<Row> it) {
    List<Row> rows = new java.util.ArrayList<>();
    it.forEachRemaining(rows::add);
    return rows;
  }
}
