package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.ImageFunctions;
import org.mnv2.udf.TaskOptions;

/** {@code classify_image(content)} through Spark SQL gives what the batched job gives. */
class ClassifySqlFunctionTest extends SparkTestBase {

  @Test
  void sqlFunctionMatchesTheJob(@TempDir Path dir) {
    Path data = dir.resolve("data");
    SynthGenerator.generate(data, 12, 77);
    ModelSpec spec = Fixtures.spec("synth-mobilenetv2", null);
    ClassifyJob.run(
        spark,
        InferenceConf.of(data.resolve("images").toString(), dir.resolve("out").toString(), spec));
    Map<String, Integer> jobTop1 =
        spark
            .read()
            .parquet(dir.resolve("out/predictions").toString())
            .selectExpr("regexp_extract(image_uri, '[^/]+$', 0)", "predictions[0].class_index")
            .collectAsList()
            .stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getInt(1)));

    String name = ImageFunctions.register(spark, spec, TaskOptions.defaults());
    spark
        .read()
        .format("binaryFile")
        .load(data.resolve("images").toString())
        .createOrReplaceTempView("images");
    List<Row> rows =
        spark
            .sql(
                "SELECT regexp_extract(path, '[^/]+$', 0) AS file, classify_image(content) AS p"
                    + " FROM images")
            .collectAsList();

    assertThat(name).isEqualTo("classify_image");
    assertThat(rows).hasSize(12);
    for (Row r : rows) {
      List<Row> predictions = r.getList(1);
      assertThat(predictions).as(r.getString(0)).hasSize(5);
      assertThat(predictions.get(0).getInt(0))
          .as(r.getString(0))
          .isEqualTo(jobTop1.get(r.getString(0)));
      assertThat(predictions.get(0).getString(1)).isNotBlank();
    }
    assertThat(
            spark.sql("SELECT classify_image(CAST('not an image' AS BINARY))").first().isNullAt(0))
        .as("an undecodable image gives NULL")
        .isTrue();
  }
}
