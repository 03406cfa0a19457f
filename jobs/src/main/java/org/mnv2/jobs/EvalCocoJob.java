package org.mnv2.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.regexp_extract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.mnv2.eval.coco.CocoDataset;
import org.mnv2.eval.coco.CocoEvaluation;
import org.mnv2.eval.coco.CocoFormatException;
import org.mnv2.eval.coco.CocoImage;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.evaluation.coco.CocoOutputs;
import org.mnv2.jobs.evaluation.coco.CocoReport;
import org.mnv2.jobs.evaluation.coco.CocoResultsFile;
import org.mnv2.jobs.evaluation.coco.SparkCocoEvaluator;
import org.mnv2.jobs.report.Charts;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.Progress;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.Schemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eval-coco}: COCO bbox evaluation, identical to pycocotools' {@code COCOeval}, on Spark.
 *
 * <p>Inputs: {@code --annotations} (a COCO instances JSON file) and either {@code --detections} (a
 * COCO results JSON file) or {@code --images} with {@code --model} (a detection spec, default
 * {@code synth-ssdlite}; images are matched to the annotations by file name). Outputs under {@code
 * --output}: {@code metrics.json} (task, images, the 12 stats, per-category AP), {@code metrics/}
 * (Parquet: metric, category_id, name, value), {@code detections.json} (COCO results: the evaluated
 * file, or the model's detections streamed out), {@code summary.json}, and {@code predictions/}
 * when a model ran.
 *
 * <p>Per-image matching and per-category accumulation run on executors ({@link
 * SparkCocoEvaluator}); a results file is parsed on an executor ({@link CocoResultsFile}). Bad
 * input is a usage error (exit code 2) with the file and entry named: a malformed annotations or
 * results file, an empty results list, a detection on an image or category the annotations do not
 * have, a box with negative size. Zero-size boxes are evaluated, as in pycocotools.
 */
public final class EvalCocoJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvalCocoJob.class);

  private EvalCocoJob() {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static RunSummary run(SparkSession spark, EvalCocoConf conf) {
    try (JobRun run = JobRun.begin(spark, "eval-coco", conf.output())) {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      CocoDataset groundTruth = readAnnotations(conf.annotations(), hadoop);
      LOG.info(
          "Annotations {}: {} images, {} annotations, {} categories",
          conf.annotations(),
          groundTruth.images().size(),
          groundTruth.annotations().size(),
          groundTruth.categories().size());
      if (run.writesReport()) {
        // Reading a results file is one task: the driver's charts warm up beside it.
        Charts.warmUpInBackground();
      }
      Dataset<Row> detections;
      if (conf.inference() == null) {
        requireFile(conf.detections(), "--detections", "a COCO results JSON file", hadoop);
        run.prepareOutput(conf.mode());
        var gt = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(groundTruth);
        run.track(gt);
        detections = CocoResultsFile.read(spark, conf.detections(), gt, run.hadoopConf());
        CocoOutputs.copyDetections(
            conf.detections(), run.output().child("detections.json"), hadoop);
      } else {
        detections = runModel(run, conf, groundTruth);
        long written =
            CocoOutputs.writeDetections(
                detections.orderBy("image_id", "idx").toLocalIterator(),
                run.output().child("detections.json"),
                hadoop);
        LOG.info("Wrote {} detections to {}", written, run.output().child("detections.json"));
      }
      SparkCocoEvaluator.Detailed detailed;
      try (Progress progress = run.progressInTasks("evaluation")) {
        detailed = SparkCocoEvaluator.evaluateInDetail(spark, groundTruth, detections);
      }
      CocoEvaluation evaluation = detailed.evaluation();
      if (run.writesReport()) {
        try (Progress progress = run.progressInTasks("report")) {
          CocoReport.write(
              run,
              groundTruth,
              detailed,
              detections,
              conf.inference() == null ? null : imageUris(spark, run),
              conf.inference() == null
                  ? "results file " + conf.detections()
                  : "model " + conf.inference().spec().name() + " on " + conf.inference().input());
        }
      }
      detections.unpersist();
      CocoOutputs.writeMetrics(spark, run.output(), evaluation);
      if (conf.inference() == null) {
        run.recordEvaluatedImages(evaluation.images());
      }
      run.addMetrics(evaluation.stats().byName());
      run.addMetrics(Map.of("annotated_images", evaluation.images()));
      LOG.info("eval-coco: AP {} AP50 {}", evaluation.stats().ap(), evaluation.stats().ap50());
      return run.finish();
    }
  }

  /** The model run's images by URI (from its predictions/). */
  private static Dataset<Row> imageUris(SparkSession spark, JobRun run) {
    return spark.read().parquet(run.output().child("predictions")).select("image_uri");
  }

  /** Runs the model; its detections ({@link SparkCocoEvaluator#DETECTIONS}, cached). */
  private static Dataset<Row> runModel(JobRun run, EvalCocoConf conf, CocoDataset gt) {
    SparkSession spark = run.spark();
    InferenceConf inference = conf.inference();
    ModelSpec spec = inference.spec();
    int[] evaluated = evaluatedCategories(spec, gt, conf.annotations());
    Map<String, Long> imageIds = imageIdsByFileName(gt, conf.annotations());
    InputImages.Images images =
        InputImages.read(spark, inference.input(), inference.imagesPerPartition());
    long annotated =
        images.rows().select("path").collectAsList().stream()
            .map(r -> fileName(r.getString(0)))
            .filter(imageIds::containsKey)
            .count();
    if (annotated == 0) {
      throw new UsageException(
          "Cannot evaluate "
              + inference.input()
              + " against "
              + conf.annotations()
              + ": none of its "
              + images.count()
              + " images is in the annotations (images are matched by file name, expected names"
              + " like "
              + gt.images().get(0).fileName()
              + ")");
    }
    if (annotated < gt.images().size()) {
      LOG.warn(
          "{} of {} annotated images are not under {}: they count as images without detections",
          gt.images().size() - annotated,
          gt.images().size(),
          inference.input());
    }
    if (annotated < images.count()) {
      LOG.warn(
          "{} of {} images under {} are not in the annotations and are not evaluated",
          images.count() - annotated,
          images.count(),
          inference.input());
    }
    InferenceRun.Result result = InferenceRun.run(run, inference, images);
    List<Row> files = new ArrayList<>();
    imageIds.forEach((name, id) -> files.add(RowFactory.create(name, id)));
    StructType fileSchema =
        new StructType()
            .add("file_name", DataTypes.StringType, false)
            .add("image_id", DataTypes.LongType, false);
    Object[] categories = Arrays.stream(evaluated).boxed().toArray();
    Dataset<Row> detections =
        result
            .predictions()
            .where(col("status").equalTo(Schemas.OK))
            .select(
                regexp_extract(col("image_uri"), "[^/]+$", 0).as("file_name"),
                posexplode(col("detections")))
            .join(broadcast(spark.createDataFrame(files, fileSchema)), "file_name")
            .where(col("col.category_id").isin(categories))
            .select(
                col("pos"),
                col("image_id"),
                col("col.category_id"),
                col("col.bbox"),
                col("col.score"))
            .map(new ToResultRow(), Encoders.row(SparkCocoEvaluator.DETECTIONS))
            .persist(StorageLevel.MEMORY_AND_DISK());
    return detections;
  }

  /**
   * A predictions row's detection as a results-file entry. Values are the floats' shortest decimal
   * forms, read as doubles: what detections.json holds, so that evaluating that file with {@code
   * --detections} gives the same stats to the last bit.
   */
  static final class ToResultRow implements MapFunction<Row, Row> {
    @Override
    public Row call(Row r) {
      List<Float> bbox = r.getList(3);
      return RowFactory.create(
          (long) r.getInt(0),
          r.getLong(1),
          r.getInt(2),
          asWritten(bbox.get(0)),
          asWritten(bbox.get(1)),
          asWritten(bbox.get(2)),
          asWritten(bbox.get(3)),
          asWritten(r.getFloat(4)));
    }

    private static double asWritten(float value) {
      return Double.parseDouble(Float.toString(value));
    }
  }

  /** The model's category ids that the annotations list; fails when there are none. */
  static int[] evaluatedCategories(ModelSpec spec, CocoDataset gt, String annotations) {
    Set<Integer> model = new TreeSet<>();
    Arrays.stream(spec.labels().categoryIds()).forEach(model::add);
    Set<Integer> kept = new TreeSet<>();
    Set<Integer> dropped = new TreeSet<>();
    for (int id : model) {
      (gt.category(id).isPresent() ? kept : dropped).add(id);
    }
    if (kept.isEmpty()) {
      throw new UsageException(
          "Cannot evaluate model "
              + spec.name()
              + " against "
              + annotations
              + ": none of its category ids is in the annotations (expected some of "
              + Arrays.toString(gt.categoryIds())
              + ", got "
              + model
              + "; check labels.category_ids in the spec)");
    }
    if (!dropped.isEmpty()) {
      // pycocotools drops detections of unknown categories silently; say so at least.
      LOG.warn(
          "Model {} predicts categories {} that {} does not list: their detections are not"
              + " evaluated",
          spec.name(),
          dropped,
          annotations);
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Image ids by file name (without folders), as the images under --images are named. */
  static Map<String, Long> imageIdsByFileName(CocoDataset gt, String annotations) {
    Map<String, Long> ids = new HashMap<>();
    for (CocoImage image : gt.images()) {
      if (image.fileName() == null) {
        throw new UsageException(
            "Cannot match images to "
                + annotations
                + ": image "
                + image.id()
                + " has no file_name (expected one per image to match --images by name)");
      }
      Long before = ids.put(fileName(image.fileName()), image.id());
      if (before != null) {
        throw new UsageException(
            "Cannot match images to "
                + annotations
                + ": file name "
                + fileName(image.fileName())
                + " belongs to images "
                + before
                + " and "
                + image.id()
                + " (expected unique file names)");
      }
    }
    return ids;
  }

  static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The instances file, read on the driver (ground truth is small; detections are not). */
  static CocoDataset readAnnotations(String uri, Configuration hadoop) {
    requireFile(uri, "--annotations", "a COCO instances JSON file", hadoop);
    Path path = new Path(uri);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return CocoDataset.read(in, uri);
    } catch (CocoFormatException e) {
      throw new UsageException(e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new UsageException("Cannot read COCO annotations " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void requireFile(String uri, String option, String what, Configuration hadoop) {
    try {
      Path path = new Path(uri);
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.isFile(path)) {
        throw new UsageException(
            "Cannot read " + option + " " + uri + ": no such file (expected " + what + ")");
      }
    } catch (IOException e) {
      throw new UsageException("Cannot read " + option + " " + uri + ": " + e.getMessage(), e);
    }
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline eval-coco}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute("eval-coco", args));
  }
}
