package org.mnv2.jobs;

import static org.apache.spark.sql.functions.col;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.mnv2.eval.voc.SegmentationMetrics;
import org.mnv2.eval.voc.VocClasses;
import org.mnv2.eval.voc.VocDevkit;
import org.mnv2.eval.voc.VocFiles;
import org.mnv2.eval.voc.VocFormatException;
import org.mnv2.eval.voc.VocSplit;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.evaluation.voc.VocMatrices;
import org.mnv2.jobs.evaluation.voc.VocReport;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.Progress;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.HadoopVocFiles;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.jobs.storage.Json;
import org.mnv2.jobs.storage.OutputLocation;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.Schemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eval-voc}: PASCAL VOC semantic segmentation evaluation (docs/OUTPUTS.md, metric
 * conventions).
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
  public static final String COMMAND = "eval-voc";

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

  private EvalVocJob() {}

  /** What an evaluation run did, and its metrics. */
  public record Result(RunSummary summary, SegmentationMetrics metrics, String split) {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static Result run(SparkSession spark, EvalVocConf conf) {
    try (JobRun run = JobRun.begin(spark, COMMAND, conf.output())) {
      VocFiles files = new HadoopVocFiles(spark.sparkContext().hadoopConfiguration());
      VocSplit split = openSplit(files, conf);
      List<String> names = classNames(conf);
      int partitions = InputImages.partitions(spark, split.ids().size(), conf.imagesPerPartition());
      Dataset<Row> pairs;
      Dataset<Row> predictions = null;
      if (conf.model() != null) {
        InputImages.Images images =
            InputImages.of(
                spark,
                split.ids().stream().map(split::imageUri).toList(),
                conf.imagesPerPartition(),
                split.source());
        InferenceRun.Result result = InferenceRun.run(run, conf.model(), images);
        if (result.errors() > 0) {
          run.finish();
          throw noPrediction(split, result.predictions(), result.errors());
        }
        predictions = result.predictions();
        pairs = VocMatrices.modelPairs(spark, split, result.predictions()).coalesce(partitions);
      } else {
        run.prepareOutput(conf.mode());
        pairs = VocMatrices.predictionPairs(spark, split, conf.predictions(), partitions);
        run.addMetrics(Map.of("predictions", conf.predictions()));
      }
      LOG.info(
          "Evaluating VOC split {} ({} images, {} classes) in {} partitions",
          split.name(),
          split.ids().size(),
          names.size(),
          partitions);
      LongAccumulator evaluated = spark.sparkContext().longAccumulator("mnv2.voc.evaluated");
      LongAccumulator failed = spark.sparkContext().longAccumulator("mnv2.voc.failed");
      VocMatrices.Evaluated evaluation;
      try (Progress progress = run.progress("evaluation", split.ids().size(), evaluated, failed)) {
        evaluation =
            VocMatrices.evaluateInDetail(
                pairs,
                split,
                names,
                run.hadoopConf(),
                evaluated,
                failed,
                run.writesReport() ? VocReport.GALLERY : 0);
      }
      SegmentationMetrics metrics = evaluation.matrix().metrics(names);
      Map<String, Object> metricsJson = writeMetrics(spark, run.output(), metrics);
      if (run.writesReport()) {
        VocReport.write(
            run,
            split,
            names,
            metrics,
            metricsJson,
            evaluation,
            predictions,
            conf.model() == null
                ? "predictions " + conf.predictions()
                : "model " + conf.model().spec().name());
      }
      if (conf.model() == null) {
        run.recordEvaluatedImages(metrics.images());
      }
      Map<String, Object> summaryMetrics = new LinkedHashMap<>();
      summaryMetrics.put("split", split.name());
      summaryMetrics.put("mIoU", metrics.meanIoU());
      summaryMetrics.put("pixel_accuracy", metrics.pixelAccuracy());
      summaryMetrics.put("mean_class_accuracy", metrics.meanClassAccuracy());
      run.addMetrics(summaryMetrics);
      RunSummary summary = run.finish();
      LOG.info(
          "VOC split {}: mIoU {}, pixel accuracy {} over {} images",
          split.name(),
          metrics.meanIoU(),
          metrics.pixelAccuracy(),
          metrics.images());
      return new Result(summary, metrics, split.name());
    }
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

  private static PipelineException noPrediction(
      VocSplit split, Dataset<Row> predictions, long errors) {
    List<String> first = new ArrayList<>();
    for (Row r :
        predictions
            .filter(col("status").notEqual(Schemas.OK))
            .select("image_uri", "error")
            .orderBy("image_uri")
            .limit(VocMatrices.PROBLEMS_KEPT)
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

  /** Writes metrics/ and metrics.json; returns the metrics.json object. */
  private static Map<String, Object> writeMetrics(
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
    return json;
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline eval-voc}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute(COMMAND, args));
  }
}
