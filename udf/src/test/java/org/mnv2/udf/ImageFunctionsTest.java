package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.udf.ExecutorSessions.SessionLease;

/** The SQL functions hold one session runner per task, not one per row. */
class ImageFunctionsTest extends UdfSparkTestBase {

  @Test
  void classifyImageUsesOnePredictorPerTaskAndReturnsNullForAnUnusableImage() {
    ExecutorSessions.closeIdle();
    String name = ImageFunctions.register(spark, spec, TaskOptions.defaults());
    images(
            List.of(
                RowFactory.create("a.png", png(0xD02020)),
                RowFactory.create("b.png", new byte[] {1, 2, 3}),
                RowFactory.create("c.png", png(0x2040D0)),
                RowFactory.create("d.png", png(0x20B040))),
            1)
        .createOrReplaceTempView("images");

    // No ORDER BY: its range partitioner would sample, evaluating the function in a second job.
    List<Row> rows =
        spark.sql("SELECT path, " + name + "(content) AS p FROM images").collectAsList().stream()
            .sorted(Comparator.comparing((Row r) -> r.getString(0)))
            .toList();

    assertThat(rows)
        .extracting(r -> r.getString(0))
        .containsExactly("a.png", "b.png", "c.png", "d.png");
    assertThat(rows.get(1).isNullAt(1)).as("not an image").isTrue();
    for (int i : new int[] {0, 2, 3}) {
      List<Row> top = rows.get(i).getList(1);
      assertThat(top).as(rows.get(i).getString(0)).hasSize(5);
    }
    SessionKey key = new SessionKey(spec.sha256(), SessionOptions.cpu(1));
    assertThat(ExecutorSessions.holders(key)).as("leases held after the query").isZero();
    assertThat(ExecutorSessions.keys()).containsExactly(key);
    try (SessionLease lease = ExecutorSessions.acquire(handleFor(key), -1)) {
      assertThat(lease.builtNow()).isFalse();
      // One task (one partition) evaluated the four rows.
      assertThat(lease.session().predictorsOpened()).isEqualTo(1);
    }
  }

  private static ModelHandle handleFor(SessionKey key) {
    return ModelHandles.prepare(
        spark,
        spec,
        InferenceTasks.forSpec(spec, TaskOptions.defaults()),
        key.options().intraOpThreads(),
        1,
        DeviceMode.CPU);
  }
}
