package org.mnv2.udf;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mnv2.udf.ExecutorSessions.SessionLease;

/**
 * The batched partition runner: one predictor per task, leases released, error rows, decoding
 * threads.
 */
class PartitionRunnerTest extends UdfSparkTestBase {
  private static final int[] COLOURS = {0xD02020, 0x2040D0, 0x20B040, 0xE0C020, 0x9030C0, 0x30C0C0};

  @BeforeEach
  void noSessionCached() {
    ExecutorSessions.closeIdle();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static PartitionRunner<?> runner(ModelHandle handle) {
    return new PartitionRunner(
        handle, InferenceTasks.forSpec(spec, TaskOptions.defaults()), "run-1", null, null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static PartitionRunner<?> runner(ModelHandle handle, ReadAheadConf readAhead) {
    return new PartitionRunner(
        handle,
        InferenceTasks.forSpec(spec, TaskOptions.defaults()),
        "run-1",
        null,
        null,
        RowLayout.predictions(),
        readAhead);
  }

  private static ModelHandle handle(int batch) {
    return ModelHandles.prepare(
        spark,
        spec,
        InferenceTasks.forSpec(spec, TaskOptions.defaults()),
        1,
        batch,
        DeviceMode.CPU);
  }

  private static List<Row> sixImages() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < COLOURS.length; i++) {
      rows.add(RowFactory.create("mem:/image-" + i + ".png", png(COLOURS[i])));
    }
    return rows;
  }

  @Test
  void eachTaskOpensOnePredictorForAllItsBatchesAndReleasesItsLease() {
    ModelHandle handle = handle(2);
    SessionKey key = SessionKey.of(handle, -1);

    // 2 tasks of 3 images at batch 2: 4 batches.
    List<Row> out =
        images(sixImages(), 2)
            .mapPartitions(
                runner(handle),
                Encoders.row(
                    Schemas.predictions(
                        InferenceTasks.forSpec(spec, TaskOptions.defaults()).rows().columns())))
            .collectAsList();

    assertThat(out).hasSize(6).allSatisfy(row -> assertThat(row.getString(3)).isEqualTo("ok"));
    assertThat(ExecutorSessions.holders(key)).as("leases held after the tasks ended").isZero();
    try (SessionLease lease = ExecutorSessions.acquire(handle, -1)) {
      assertThat(lease.builtNow()).as("the tasks' session is still cached").isFalse();
      assertThat(lease.session().predictorsOpened()).as("predictors of 2 tasks").isEqualTo(2);
    }
  }

  @Test
  void outsideASparkTaskTheLeaseIsHeldUntilTheRowsRunOut() throws Exception {
    ModelHandle handle = handle(4);
    SessionKey key = SessionKey.of(handle, -1);

    Iterator<Row> rows = runner(handle).call(sixImages().iterator());
    Row first = rows.next();

    assertThat(first.getString(3)).isEqualTo("ok");
    assertThat(ExecutorSessions.holders(key)).as("held while rows remain").isEqualTo(1);
    int n = 1;
    while (rows.hasNext()) {
      rows.next();
      n++;
    }
    assertThat(n).isEqualTo(6);
    assertThat(ExecutorSessions.holders(key)).as("released at the end").isZero();
  }

  @Test
  void decodingThreadsGiveTheRowsOfTheTaskThreadInInputOrder() throws Exception {
    ModelHandle handle = handle(4);
    List<Row> input = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      input.add(RowFactory.create("mem:/image-" + i + ".png", png(COLOURS[i % COLOURS.length])));
    }
    input.add(7, RowFactory.create("mem:/null.png", null));
    input.add(11, RowFactory.create("mem:/text.png", "not an image".getBytes(UTF_8)));

    List<String> inTaskThread = rows(runner(handle, new ReadAheadConf(1, 0)), input);
    List<String> onThreeThreads = rows(runner(handle, new ReadAheadConf(5, 3)), input);

    assertThat(onThreeThreads)
        .as("rows decoded on 3 threads, 5 ahead")
        .hasSize(32)
        .containsExactlyElementsOf(inTaskThread);
    assertThat(inTaskThread.get(7)).contains("mem:/null.png,null,null,error");
    assertThat(inTaskThread.get(11)).contains("mem:/text.png,null,null,error");
    assertThat(inTaskThread.get(12)).contains("mem:/image-10.png,40,30,ok");
  }

  private static List<String> rows(PartitionRunner<?> runner, List<Row> input) throws Exception {
    List<String> out = new ArrayList<>();
    runner.call(input.iterator()).forEachRemaining(r -> out.add(text(r)));
    return out;
  }

  /** A row's values, nested rows and arrays of rows (the top-k structs) spelled out. */
  private static String text(Object value) {
    if (value instanceof Row row) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        fields.add(text(row.get(i)));
      }
      return "[" + String.join(",", fields) + "]";
    }
    if (value instanceof Object[] array) {
      return text(RowFactory.create(array));
    }
    return String.valueOf(value);
  }

  @Test
  void anImageAboveThePixelLimitBecomesAnErrorRowBesideAGoodOne() throws Exception {
    ModelHandle handle = handle(2);
    List<Row> input =
        List.of(
            RowFactory.create("mem:/good.png", png(COLOURS[0])),
            RowFactory.create("mem:/huge.png", pngHeaderOnly(30000, 30000)));

    List<Row> out = new ArrayList<>();
    runner(handle).call(input.iterator()).forEachRemaining(out::add);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).getString(3)).isEqualTo("ok");
    assertThat(out.get(1).getString(0)).isEqualTo("mem:/huge.png");
    assertThat(out.get(1).getString(3)).isEqualTo("error");
    assertThat(out.get(1).getString(4))
        .startsWith(
            "Cannot decode image: 30000x30000 pixels is above the limit of 64000000 pixels");
  }
}
