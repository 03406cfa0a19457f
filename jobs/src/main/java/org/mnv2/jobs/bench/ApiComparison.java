package org.mnv2.jobs.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.ImageFunctions;
import org.mnv2.udf.TaskOptions;
import org.mnv2.udf.ml.ImageClassifier;
import org.mnv2.udf.ml.ImageInference;
import org.mnv2.udf.ml.ImageSegmenter;
import org.mnv2.udf.ml.ObjectDetector;

/**
 * {@code scripts/bench --apis}: the job, the pipeline stage and the SQL function on the same images
 * and model, files to Parquet, alternated round by round so that the shared machine's load moves
 * all three alike. Each run's clock covers everything a user waits for: listing, model read and
 * broadcast, inference, Parquet writing.
 */
final class ApiComparison {
  private static final List<String> APIS = List.of("job", "stage", "sql");

  private final ModelSpec spec;
  private final String model;
  private final Path images;
  private final int cores;
  private final int batch;
  private final Path work;
  private final int rounds;

  /**
   * @param model the spec's name or location as given (the stage reads it itself)
   */
  ApiComparison(
      ModelSpec spec, String model, Path images, int cores, int batch, Path work, int rounds) {
    this.spec = spec;
    this.model = model;
    this.images = images;
    this.cores = cores;
    this.batch = batch;
    this.work = work;
    this.rounds = rounds;
  }

  int run() {
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + cores + "]")
            .appName("mnv2 bench apis")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    long count;
    try {
      count = InputImages.read(spark, images.toString(), 128).count();
      for (String api : APIS) {
        once(spark, api); // warm-up: JIT, native library, sessions
        rates.put(api, new ArrayList<>());
      }
      for (int r = 0; r < rounds; r++) {
        for (String api : APIS) {
          double seconds = once(spark, api);
          rates.get(api).add(count / seconds);
          System.out.printf(
              Locale.ROOT,
              "round %d %-5s %8.1f images/s (%.1f s)%n",
              r + 1,
              api,
              count / seconds,
              seconds);
        }
      }
    } finally {
      spark.stop();
    }
    print(count, rates);
    return 0;
  }

  /** One run of {@code api}, files to Parquet; returns its wall seconds. */
  private double once(SparkSession spark, String api) {
    String out = work.resolve("apis-" + api).toString();
    long start = System.nanoTime();
    switch (api) {
      case "job" ->
          InferenceRun.predict(
              spark,
              InferenceConf.of(images.toString(), out, spec)
                  .withMode(OutputMode.OVERWRITE)
                  .withBatching(batch, 128));
      case "stage" ->
          stage()
              .setModel(model)
              .setModelUri(spec.uri())
              .setBatchSize(batch)
              .transform(files(spark))
              .drop("content")
              .write()
              .mode(SaveMode.Overwrite)
              .parquet(out);
      case "sql" -> {
        String function = ImageFunctions.register(spark, spec, TaskOptions.defaults());
        files(spark).createOrReplaceTempView("images");
        spark
            .sql("SELECT path, " + function + "(content) AS prediction FROM images")
            .write()
            .mode(SaveMode.Overwrite)
            .parquet(out);
      }
      default -> throw new IllegalArgumentException("Cannot run API " + api);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private Dataset<Row> files(SparkSession spark) {
    return spark
        .read()
        .format("binaryFile")
        .option("pathGlobFilter", InputImages.IMAGE_GLOB)
        .load(images.toString());
  }

  private ImageInference<?> stage() {
    return switch (spec.task()) {
      case CLASSIFICATION -> new ImageClassifier();
      case DETECTION -> new ObjectDetector();
      case SEGMENTATION -> new ImageSegmenter();
    };
  }

  private void print(long count, Map<String, List<Double>> rates) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "model %s, %d images from %s, %d cores, batch %d, %d rounds (median images/s; vs job)%n",
        spec.name(),
        count,
        images,
        cores,
        batch,
        rounds);
    double job = median(rates.get("job"));
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      double m = median(e.getValue());
      System.out.printf(
          Locale.ROOT, "  %-5s %8.1f  %5.2fx  runs %s%n", e.getKey(), m, m / job, e.getValue());
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
