package org.mnv2.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.eval.voc.ConfusionMatrix;
import org.mnv2.eval.voc.SegmentationMetrics;
import org.mnv2.eval.voc.VocClasses;
import org.mnv2.eval.voc.VocDevkit;
import org.mnv2.eval.voc.VocFiles;
import org.mnv2.eval.voc.VocFormatException;
import org.mnv2.eval.voc.VocSplit;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.Schemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eval-voc}: PASCAL VOC semantic segmentation evaluation (PRODUCT.md, metric conventions).
 *
 * <p>Inputs: a VOCdevkit-style tree ({@code --voc-root}: {@code JPEGImages}, {@code
 * SegmentationClass} palette PNGs, {@code ImageSets/Segmentation/<split>.txt}; without
 * ImageSets/Segmentation and without {@code --split}, every mask is evaluated), the split ({@code
 * --split}, default val), and either a segmentation model ({@code --model}, run on the split's
 * JPEGs through the same path as {@code segment}) or a folder of prediction PNGs ({@code
 * --predictions}, one palette PNG per image named like its ground truth).
 *
 * <p>One confusion matrix over the whole split: each partition accumulates its images' matrix on an
 * executor and Spark sums the partition matrices; ground truth 255 is ignored, and predictions are
 * compared at the ground truth's resolution (another size is an error naming the file, never a
 * resize). Every listed file must exist before any work starts.
 *
 * <p>Outputs under {@code --output}: {@code metrics/} (Parquet, one row per class: class_index,
 * name, iou, accuracy, truth_pixels, predicted_pixels, true_positives), {@code metrics.json} (task,
 * images, mIoU, pixel_accuracy, mean_class_accuracy, per_class [{class_index, name, IoU}], IoU null
 * for a class in neither ground truth nor prediction) and {@code summary.json}; with a model also
 * {@code predictions/} as {@code segment} writes it.
 */
public final class EvalVocJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvalVocJob.class);
  static final String COMMAND = "eval-voc";

  /** Per-class rows of {@code metrics/}. */
  static final StructType METRICS =
      new StructType()
          .add("class_index", DataTypes.IntegerType, false)
          .add("name", DataTypes.StringType, true)
          .add("iou", DataTypes.DoubleType, true)
          .add("accuracy", DataTypes.DoubleType, true)
          .add("truth_pixels", DataTypes.LongType, false)
          .add("predicted_pixels", DataTypes.LongType, false)
          .add("true_positives", DataTypes.LongType, false);

  /** (id, ground-truth URI, prediction name or URI, prediction PNG bytes or null to read it). */
  private static final StructType PAIRS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("truth_uri", DataTypes.StringType, false)
          .add("prediction", DataTypes.StringType, false)
          .add("prediction_png", DataTypes.BinaryType, true);

  /** Partition results carry at most this many problem messages (the count is exact). */
  private static final int PROBLEMS_KEPT = 5;

  private EvalVocJob() {}

  /** What an evaluation run did, and its metrics. */
  public record Result(RunSummary summary, SegmentationMetrics metrics, String split) {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static Result run(SparkSession spark, EvalVocConf conf) {
    long start = System.nanoTime();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    VocFiles files = new HadoopVocFiles(hadoop);
    VocSplit split = openSplit(files, conf);
    List<String> names = classNames(conf);
    OutputLocation output = new OutputLocation(conf.output(), hadoop);
    int partitions = partitions(spark, split.ids().size(), conf.imagesPerPartition());

    RunSummary run;
    Dataset<Row> pairs;
    if (conf.model() != null) {
      InputImages.Images images =
          InputImages.of(
              spark,
              split.ids().stream().map(split::imageUri).toList(),
              conf.imagesPerPartition(),
              split.source());
      InferencePipeline.Result result = InferencePipeline.run(spark, conf.model(), COMMAND, images);
      run = result.summary();
      if (run.errors() > 0) {
        InferencePipeline.writeSummary(output, run);
        throw noPrediction(split, result.predictions(), run.errors());
      }
      pairs = modelPairs(spark, split, result.predictions()).coalesce(partitions);
    } else {
      output.prepare(conf.mode());
      OutputCommitters.configure(spark, output.uri());
      pairs = predictionPairs(spark, split, conf.predictions(), partitions);
      run = null;
    }

    LOG.info(
        "Evaluating VOC split {} ({} images, {} classes) in {} partitions",
        split.name(),
        split.ids().size(),
        names.size(),
        partitions);
    PartitionResult total =
        pairs
            .javaRDD()
            .mapPartitions(new MatrixPartition(names.size(), InferencePipeline.hadoopConf(spark)))
            .reduce(PartitionResult::merge);
    if (total.failed() > 0) {
      throw new PipelineException(
          "Cannot evaluate VOC split "
              + split.name()
              + ": "
              + total.failed()
              + " of "
              + split.ids().size()
              + " images could not be evaluated; "
              + String.join("; ", total.problems()));
    }
    if (total.matrix().images() != split.ids().size()) {
      throw new IllegalStateException(
          "Cannot evaluate VOC split "
              + split.name()
              + ": evaluated "
              + total.matrix().images()
              + " images (expected "
              + split.ids().size()
              + ")");
    }
    SegmentationMetrics metrics = total.matrix().metrics(names);
    writeMetrics(spark, output, metrics);
    double wall = (System.nanoTime() - start) / 1e9;
    Map<String, Object> summaryMetrics = new LinkedHashMap<>();
    summaryMetrics.put("split", split.name());
    summaryMetrics.put("mIoU", metrics.meanIoU());
    summaryMetrics.put("pixel_accuracy", metrics.pixelAccuracy());
    summaryMetrics.put("mean_class_accuracy", metrics.meanClassAccuracy());
    RunSummary summary =
        (run != null ? withWallTime(run, wall) : predictionsSummary(spark, conf, metrics, wall))
            .withMetrics(summaryMetrics);
    InferencePipeline.writeSummary(output, summary);
    LOG.info(
        "VOC split {}: mIoU {}, pixel accuracy {} over {} images",
        split.name(),
        metrics.meanIoU(),
        metrics.pixelAccuracy(),
        metrics.images());
    return new Result(summary, metrics, split.name());
  }

  private static VocSplit openSplit(VocFiles files, EvalVocConf conf) {
    try {
      VocSplit split = VocDevkit.open(files, conf.vocRoot(), conf.split());
      if (conf.model() != null) {
        VocDevkit.requireImages(files, split);
      } else {
        VocDevkit.requirePredictions(files, split, conf.predictions());
      }
      return split;
    } catch (VocFormatException | UncheckedIOException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static List<String> classNames(EvalVocConf conf) {
    if (conf.model() == null) {
      return conf.labels().isEmpty() ? VocClasses.NAMES : conf.labels();
    }
    if (conf.model().spec().task() != Task.SEGMENTATION) {
      throw new UsageException(
          "Cannot evaluate with model "
              + conf.model().spec().name()
              + ": it is a "
              + conf.model().spec().task().name().toLowerCase()
              + " model (expected segmentation)");
    }
    List<String> names = conf.model().spec().labels().names();
    return names.isEmpty() ? VocClasses.NAMES : names;
  }

  private static int partitions(SparkSession spark, int count, int perPartition) {
    int parallelism = spark.sparkContext().defaultParallelism();
    return Math.max(
        Math.min(count, 2 * parallelism), (int) Math.ceil(count / (double) perPartition));
  }

  private static Dataset<Row> modelPairs(
      SparkSession spark, VocSplit split, Dataset<Row> predictions) {
    List<Row> truth = new ArrayList<>(split.ids().size());
    for (String id : split.ids()) {
      truth.add(RowFactory.create(id, split.maskUri(id)));
    }
    StructType truthSchema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("truth_uri", DataTypes.StringType, false);
    Dataset<Row> masks =
        predictions.select(
            regexp_extract(col("image_uri"), "([^/]+)\\.[^./]+$", 1).as("id"),
            col("image_uri"),
            col("mask_png"));
    return spark
        .createDataFrame(truth, truthSchema)
        .join(masks, "id")
        .select(
            col("id"),
            col("truth_uri"),
            col("image_uri").as("prediction"),
            col("mask_png").as("prediction_png"));
  }

  private static Dataset<Row> predictionPairs(
      SparkSession spark, VocSplit split, String predictions, int partitions) {
    String dir = predictions.endsWith("/") ? predictions : predictions + "/";
    List<Row> rows = new ArrayList<>(split.ids().size());
    for (String id : split.ids()) {
      rows.add(RowFactory.create(id, split.maskUri(id), dir + id + ".png", null));
    }
    // parallelize slices the list by count: no shuffle, no file read on the driver.
    JavaRDD<Row> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions);
    return spark.createDataFrame(rdd, PAIRS);
  }

  private static PipelineException noPrediction(
      VocSplit split, Dataset<Row> predictions, long errors) {
    List<String> first = new ArrayList<>();
    for (Row r :
        predictions
            .filter(col("status").notEqual(Schemas.OK))
            .select("image_uri", "error")
            .orderBy("image_uri")
            .limit(PROBLEMS_KEPT)
            .collectAsList()) {
      first.add(r.getString(0) + ": " + r.getString(1));
    }
    return new PipelineException(
        "Cannot evaluate VOC split "
            + split.name()
            + ": the model gave no mask for "
            + errors
            + " of "
            + split.ids().size()
            + " images (expected one per image; predictions/ has the error rows); "
            + String.join("; ", first));
  }

  private static void writeMetrics(
      SparkSession spark, OutputLocation output, SegmentationMetrics metrics) {
    List<Row> rows = new ArrayList<>();
    List<Map<String, Object>> perClass = new ArrayList<>();
    for (SegmentationMetrics.ClassMetrics c : metrics.perClass()) {
      rows.add(
          RowFactory.create(
              c.classIndex(),
              c.name(),
              c.iou(),
              c.accuracy(),
              c.truthPixels(),
              c.predictedPixels(),
              c.truePositives()));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("class_index", c.classIndex());
      entry.put("name", c.name());
      entry.put("IoU", c.iou());
      perClass.add(entry);
    }
    spark.createDataFrame(rows, METRICS).coalesce(1).write().parquet(output.child("metrics"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("task", "segmentation");
    json.put("images", metrics.images());
    json.put("mIoU", metrics.meanIoU());
    json.put("pixel_accuracy", metrics.pixelAccuracy());
    json.put("mean_class_accuracy", metrics.meanClassAccuracy());
    json.put("per_class", perClass);
    output.writeText("metrics.json", Json.write(json));
  }

  /** The model run's summary with the evaluation's time included (wall time and images/s). */
  private static RunSummary withWallTime(RunSummary run, double wall) {
    return new RunSummary(
        run.runId(),
        COMMAND,
        run.model(),
        run.master(),
        run.output(),
        run.images(),
        run.ok(),
        run.errors(),
        wall,
        run.images() / wall,
        run.sessionsBuilt(),
        run.stageMillis(),
        run.metrics());
  }

  private static RunSummary predictionsSummary(
      SparkSession spark, EvalVocConf conf, SegmentationMetrics metrics, double wall) {
    return new RunSummary(
        UUID.randomUUID().toString(),
        COMMAND,
        null,
        spark.sparkContext().master(),
        conf.output(),
        metrics.images(),
        metrics.images(),
        0,
        wall,
        metrics.images() / wall,
        0,
        Map.of(),
        Map.of("predictions", conf.predictions()));
  }

  /** One partition's confusion matrix, and what could not be evaluated there. */
  record PartitionResult(ConfusionMatrix matrix, long failed, List<String> problems)
      implements Serializable {
    PartitionResult {
      problems = List.copyOf(problems);
    }

    PartitionResult merge(PartitionResult other) {
      List<String> all = new ArrayList<>(problems);
      for (String p : other.problems) {
        if (all.size() < PROBLEMS_KEPT) {
          all.add(p);
        }
      }
      return new PartitionResult(matrix.merge(other.matrix), failed + other.failed, all);
    }
  }

  /**
   * Executor side: decodes each ground truth and prediction of the partition into one confusion
   * matrix. A file that cannot be read or used becomes a problem message naming it (collected on
   * the driver), not a task failure that Spark would retry and bury in a stack trace.
   */
  static final class MatrixPartition implements FlatMapFunction<Iterator<Row>, PartitionResult> {
    private final int classes;
    private final Broadcast<SerializableConfiguration> hadoopConf;

    MatrixPartition(int classes, Broadcast<SerializableConfiguration> hadoopConf) {
      this.classes = classes;
      this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<PartitionResult> call(Iterator<Row> rows) {
      Configuration conf = hadoopConf.value().value();
      ConfusionMatrix matrix = new ConfusionMatrix(classes);
      List<String> problems = new ArrayList<>();
      long failed = 0;
      while (rows.hasNext()) {
        Row row = rows.next();
        String truthUri = row.getString(1);
        String prediction = row.getString(2);
        try {
          LabelMask truth = PaletteMasks.decode(read(truthUri, conf), truthUri);
          byte[] png = row.isNullAt(3) ? read(prediction, conf) : (byte[]) row.get(3);
          String name = row.isNullAt(3) ? prediction : "the mask_png of " + prediction;
          LabelMask predicted = PaletteMasks.decode(png, name);
          matrix.add(truth, predicted, name + " against " + truthUri);
        } catch (IllegalArgumentException | UncheckedIOException e) {
          failed++;
          if (problems.size() < PROBLEMS_KEPT) {
            problems.add(e.getMessage());
          }
        }
      }
      return List.of(new PartitionResult(matrix, failed, problems)).iterator();
    }

    private static byte[] read(String uri, Configuration conf) {
      try {
        return HadoopVocFiles.read(new Path(uri), conf);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
      }
    }
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline eval-voc}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute(COMMAND, args));
  }
}
