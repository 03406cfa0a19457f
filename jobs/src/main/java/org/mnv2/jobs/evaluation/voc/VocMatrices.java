package org.mnv2.jobs.evaluation.voc;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
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
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.eval.voc.ConfusionMatrix;
import org.mnv2.eval.voc.VocFormatException;
import org.mnv2.eval.voc.VocSplit;
import org.mnv2.jobs.storage.HadoopVocFiles;
import org.mnv2.model.PipelineException;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.MaskFormatException;
import org.mnv2.model.mask.PaletteMasks;

/**
 * The distributed half of eval-voc: (ground truth, prediction) pairs as rows, one confusion matrix
 * per partition accumulated on the executors, and their sum on the driver. A file that cannot be
 * read or used becomes a problem message naming it (collected on the driver), not a task failure
 * that Spark would retry and bury in a stack trace.
 */
public final class VocMatrices {
  /** (id, ground-truth URI, prediction name or URI, prediction PNG bytes or null to read it). */
  private static final StructType PAIRS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("truth_uri", DataTypes.StringType, false)
          .add("prediction", DataTypes.StringType, false)
          .add("prediction_png", DataTypes.BinaryType, true);

  /** Partition results carry at most this many problem messages (the count is exact). */
  public static final int PROBLEMS_KEPT = 5;

  private VocMatrices() {}

  /**
   * The split's confusion matrix over {@code pairs}; fails naming the files it could not use.
   * {@code evaluated} and {@code failed} count the images as they are done (for progress).
   */
  public static ConfusionMatrix evaluate(
      Dataset<Row> pairs,
      VocSplit split,
      List<String> names,
      Broadcast<SerializableConfiguration> hadoopConf,
      LongAccumulator evaluated,
      LongAccumulator failedImages) {
    return evaluateInDetail(pairs, split, names, hadoopConf, evaluated, failedImages, 0).matrix();
  }

  /** The matrix and the {@code worstN} images with the lowest IoU of their own, lowest first. */
  public record Evaluated(ConfusionMatrix matrix, List<ImageIou> worst) {
    public Evaluated {
      worst = List.copyOf(worst);
    }
  }

  /**
   * One image's own mean IoU (over the classes in its ground truth or prediction) and where its
   * masks are: {@code prediction} is a PNG's URI, or with {@code inPredictions} the image URI whose
   * mask_png is in the run's predictions.
   */
  public record ImageIou(
      String id, double iou, String truthUri, String prediction, boolean inPredictions)
      implements Serializable {}

  static final Comparator<ImageIou> WORST_FIRST =
      Comparator.comparingDouble(ImageIou::iou).thenComparing(ImageIou::id);

  /** As {@link #evaluate}, also keeping the {@code worstN} images with the lowest own IoU. */
  public static Evaluated evaluateInDetail(
      Dataset<Row> pairs,
      VocSplit split,
      List<String> names,
      Broadcast<SerializableConfiguration> hadoopConf,
      LongAccumulator evaluated,
      LongAccumulator failedImages,
      int worstN) {
    PartitionResult total =
        pairs
            .javaRDD()
            .mapPartitions(
                new MatrixPartition(names.size(), hadoopConf, evaluated, failedImages, worstN))
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
    return new Evaluated(total.matrix(), total.worst());
  }

  /** Pairs each ground-truth mask of the split with the model's mask_png of the same image. */
  public static Dataset<Row> modelPairs(
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

  /** Pairs each ground-truth mask of the split with the PNG of the same id in a folder. */
  public static Dataset<Row> predictionPairs(
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

  /** One partition's confusion matrix, and what could not be evaluated there. */
  record PartitionResult(
      ConfusionMatrix matrix, long failed, List<String> problems, int worstN, List<ImageIou> worst)
      implements Serializable {
    PartitionResult {
      problems = List.copyOf(problems);
      worst = List.copyOf(worst);
    }

    PartitionResult merge(PartitionResult other) {
      List<String> all = new ArrayList<>(problems);
      for (String p : other.problems) {
        if (all.size() < PROBLEMS_KEPT) {
          all.add(p);
        }
      }
      List<ImageIou> images = new ArrayList<>(worst);
      images.addAll(other.worst);
      images.sort(WORST_FIRST);
      int n = Math.max(worstN, other.worstN);
      return new PartitionResult(
          matrix.merge(other.matrix),
          failed + other.failed,
          all,
          n,
          images.subList(0, Math.min(n, images.size())));
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
    private final LongAccumulator evaluated;
    private final LongAccumulator failedImages;
    private final int worstN;

    MatrixPartition(int classes, Broadcast<SerializableConfiguration> hadoopConf) {
      this(classes, hadoopConf, null, null, 0);
    }

    MatrixPartition(
        int classes,
        Broadcast<SerializableConfiguration> hadoopConf,
        LongAccumulator evaluated,
        LongAccumulator failedImages,
        int worstN) {
      this.classes = classes;
      this.hadoopConf = hadoopConf;
      this.evaluated = evaluated;
      this.failedImages = failedImages;
      this.worstN = worstN;
    }

    @Override
    public Iterator<PartitionResult> call(Iterator<Row> rows) {
      Configuration conf = hadoopConf.value().value();
      ConfusionMatrix matrix = new ConfusionMatrix(classes);
      List<String> problems = new ArrayList<>();
      PriorityQueue<ImageIou> worst = new PriorityQueue<>(WORST_FIRST.reversed());
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
          if (worstN == 0) {
            matrix.add(truth, predicted, name + " against " + truthUri);
          } else {
            ConfusionMatrix own = new ConfusionMatrix(classes);
            own.add(truth, predicted, name + " against " + truthUri);
            matrix.merge(own);
            Double iou = own.meanIoU();
            if (iou != null) {
              worst.add(
                  new ImageIou(row.getString(0), iou, truthUri, prediction, !row.isNullAt(3)));
              if (worst.size() > worstN) {
                worst.poll();
              }
            }
          }
        } catch (MaskFormatException | VocFormatException | UncheckedIOException e) {
          // The files' fault (unreadable, not a palette PNG, another size); anything else is a bug
          // and fails the task.
          failed++;
          if (problems.size() < PROBLEMS_KEPT) {
            problems.add(e.getMessage());
          }
          count(failedImages);
        }
        count(evaluated);
      }
      List<ImageIou> kept = new ArrayList<>(worst);
      kept.sort(WORST_FIRST);
      return List.of(new PartitionResult(matrix, failed, problems, worstN, kept)).iterator();
    }

    private static void count(LongAccumulator counter) {
      if (counter != null) {
        counter.add(1);
      }
    }

    private static byte[] read(String uri, Configuration conf) {
      try {
        return HadoopVocFiles.read(new Path(uri), conf);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
      }
    }
  }
}
