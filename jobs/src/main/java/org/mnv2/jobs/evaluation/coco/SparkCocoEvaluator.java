package org.mnv2.jobs.evaluation.coco;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.eval.coco.CocoAnnotation;
import org.mnv2.eval.coco.CocoAreaRange;
import org.mnv2.eval.coco.CocoCategoryAccumulation;
import org.mnv2.eval.coco.CocoDataset;
import org.mnv2.eval.coco.CocoDetection;
import org.mnv2.eval.coco.CocoEvaluation;
import org.mnv2.eval.coco.CocoEvaluator;
import org.mnv2.eval.coco.CocoImageEvaluation;
import org.mnv2.eval.coco.CocoStats;
import org.mnv2.eval.coco.XywhBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * COCO bbox evaluation on Spark, the three steps of {@link CocoEvaluator} distributed: ground truth
 * and detections are grouped by (image, category) and matched on executors; the per-image records
 * are grouped by category and accumulated on executors; only the per-category accumulations (about
 * 100 KB each) reach the driver, which summarises them. Detections never pass through the driver.
 *
 * <p>Order matters to pycocotools and is carried as a column: ground truth by its position in the
 * instances file ({@link #GROUND_TRUTH}{@code .file_index}; among equal IoUs the later annotation
 * wins), detections by {@link #DETECTIONS}{@code .idx} (their position in the results file: ties in
 * score keep it). Each group is sorted by it before matching.
 */
public final class SparkCocoEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(SparkCocoEvaluator.class);

  /** Detections: results order, image, category, COCO box, score. */
  public static final StructType DETECTIONS =
      new StructType()
          .add("idx", DataTypes.LongType, false)
          .add("image_id", DataTypes.LongType, false)
          .add("category_id", DataTypes.IntegerType, false)
          .add("x", DataTypes.DoubleType, false)
          .add("y", DataTypes.DoubleType, false)
          .add("w", DataTypes.DoubleType, false)
          .add("h", DataTypes.DoubleType, false)
          .add("score", DataTypes.DoubleType, false);

  /** Ground truth: instances-file order and what bbox evaluation reads of an annotation. */
  static final StructType GROUND_TRUTH =
      new StructType()
          .add("file_index", DataTypes.IntegerType, false)
          .add("id", DataTypes.LongType, false)
          .add("image_id", DataTypes.LongType, false)
          .add("category_id", DataTypes.IntegerType, false)
          .add("x", DataTypes.DoubleType, false)
          .add("y", DataTypes.DoubleType, false)
          .add("w", DataTypes.DoubleType, false)
          .add("h", DataTypes.DoubleType, false)
          .add("area", DataTypes.DoubleType, false)
          .add("iscrowd", DataTypes.BooleanType, false);

  /** The flags of one area range in {@link #IMAGE_EVALUATION}. */
  static final StructType AREA_RANGE_FLAGS =
      new StructType()
          .add("dt_matched", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("dt_ignored", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("gt_ignored", DataTypes.createArrayType(DataTypes.BooleanType, false), false);

  /**
   * The {@link CocoImageEvaluation}s of one image and category, one per area range, as one row: the
   * detection scores are the same in every range, so they travel once (a quarter of the rows and
   * most of the bytes of one row per range).
   */
  static final StructType IMAGE_EVALUATION =
      new StructType()
          .add("image_id", DataTypes.LongType, false)
          .add("category_id", DataTypes.IntegerType, false)
          .add("dt_scores", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("ranges", DataTypes.createArrayType(AREA_RANGE_FLAGS, false), false);

  private static final Encoder<Tuple2<Long, Integer>> KEY =
      Encoders.tuple(Encoders.LONG(), Encoders.INT());

  private SparkCocoEvaluator() {}

  /**
   * Evaluates {@code detections} (schema {@link #DETECTIONS}, already checked against {@code
   * groundTruth}) against {@code groundTruth}.
   */
  public static CocoEvaluation evaluate(
      SparkSession spark, CocoDataset groundTruth, Dataset<Row> detections) {
    return evaluateInDetail(spark, groundTruth, detections).evaluation();
  }

  /**
   * The evaluation, and what a report shows of it: the per-category accumulations (the arrays the
   * stats come from) and the detections' scores at IoU 0.5 binned for curves against the score
   * threshold. All of it is per category, never per detection, on the driver.
   */
  public static Detailed evaluateInDetail(
      SparkSession spark, CocoDataset groundTruth, Dataset<Row> detections) {
    long start = System.nanoTime();
    Dataset<Row> gt = groundTruthFrame(spark, groundTruth);
    Dataset<Row> evaluations =
        gt.groupByKey(new ImageCategory(2, 3), KEY)
            .cogroup(
                detections.groupByKey(new ImageCategory(1, 2), KEY),
                new MatchImage(),
                Encoders.row(IMAGE_EVALUATION));
    List<CategoryResult> results =
        evaluations
            .groupByKey((MapFunction<Row, Integer>) r -> r.getInt(1), Encoders.INT())
            .mapGroups(new AccumulateCategory(), Encoders.javaSerialization(CategoryResult.class))
            .collectAsList();
    List<CocoCategoryAccumulation> accumulations = new ArrayList<>(results.size());
    ScoreHistogram scores = ScoreHistogram.empty();
    java.util.Map<Integer, Long> detectionCounts = new java.util.TreeMap<>();
    for (CategoryResult r : results) {
      accumulations.add(r.accumulation());
      scores = scores.plus(r.scores());
      detectionCounts.put(r.accumulation().categoryId(), r.detections());
    }
    CocoStats stats = CocoEvaluator.summarize(accumulations);
    CocoEvaluation result =
        new CocoEvaluation(
            groundTruth.images().size(),
            stats,
            CocoEvaluator.perCategory(groundTruth.categories(), accumulations));
    LOG.info(
        "COCO evaluation of {} images, {} categories with detections or ground truth, in {} ms: AP"
            + " {}",
        groundTruth.images().size(),
        accumulations.size(),
        (System.nanoTime() - start) / 1_000_000,
        stats.ap());
    return new Detailed(result, accumulations, scores, detectionCounts);
  }

  /**
   * An evaluation with the accumulations it was summarised from, the binned scores and the
   * detections evaluated per category (at most 100 per image and category, as COCOeval keeps).
   */
  public record Detailed(
      CocoEvaluation evaluation,
      List<CocoCategoryAccumulation> accumulations,
      ScoreHistogram scores,
      java.util.Map<Integer, Long> detectionsByCategory) {
    public Detailed {
      accumulations = List.copyOf(accumulations);
      detectionsByCategory = java.util.Map.copyOf(detectionsByCategory);
    }
  }

  /** One category's accumulation and its detections' binned scores. */
  public record CategoryResult(
      CocoCategoryAccumulation accumulation, ScoreHistogram scores, long detections)
      implements java.io.Serializable {}

  /** The ground truth as rows of {@link #GROUND_TRUTH}. */
  static Dataset<Row> groundTruthFrame(SparkSession spark, CocoDataset groundTruth) {
    return spark.createDataFrame(groundTruthRows(groundTruth), GROUND_TRUTH);
  }

  private static List<Row> groundTruthRows(CocoDataset groundTruth) {
    List<Row> rows = new ArrayList<>(groundTruth.annotations().size());
    int i = 0;
    for (CocoAnnotation a : groundTruth.annotations()) {
      XywhBox b = a.bbox();
      rows.add(
          RowFactory.create(
              i++,
              a.id(),
              a.imageId(),
              a.categoryId(),
              b.x(),
              b.y(),
              b.width(),
              b.height(),
              a.area(),
              a.crowd()));
    }
    return rows;
  }

  /** The (image id, category id) key of a row, from two column positions. */
  private record ImageCategory(int imageColumn, int categoryColumn)
      implements MapFunction<Row, Tuple2<Long, Integer>> {
    @Override
    public Tuple2<Long, Integer> call(Row r) {
      return new Tuple2<>(r.getLong(imageColumn), r.getInt(categoryColumn));
    }
  }

  /** Step 1 on an executor: one image and category, ground truth and detections in file order. */
  static final class MatchImage implements CoGroupFunction<Tuple2<Long, Integer>, Row, Row, Row> {
    @Override
    public Iterator<Row> call(Tuple2<Long, Integer> key, Iterator<Row> gts, Iterator<Row> dts) {
      List<Row> gtRows = sorted(gts, 0);
      List<Row> dtRows = sorted(dts, 0);
      List<CocoAnnotation> annotations = new ArrayList<>(gtRows.size());
      for (Row r : gtRows) {
        annotations.add(
            new CocoAnnotation(
                r.getLong(1),
                r.getLong(2),
                r.getInt(3),
                new XywhBox(r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7)),
                r.getDouble(8),
                r.getBoolean(9)));
      }
      List<CocoDetection> detections = new ArrayList<>(dtRows.size());
      for (Row r : dtRows) {
        detections.add(
            new CocoDetection(
                r.getLong(1),
                r.getInt(2),
                new XywhBox(r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6)),
                r.getDouble(7)));
      }
      List<CocoImageEvaluation> evaluations =
          CocoEvaluator.evaluateImage(key._1(), key._2(), annotations, detections);
      return evaluations.isEmpty()
          ? java.util.Collections.emptyIterator()
          : List.of(toRow(evaluations)).iterator();
    }

    /** Rows ordered by the (int or long) order column at {@code column}. */
    private static List<Row> sorted(Iterator<Row> rows, int column) {
      List<Row> list = new ArrayList<>();
      rows.forEachRemaining(list::add);
      list.sort(Comparator.comparingLong(r -> ((Number) r.get(column)).longValue()));
      return list;
    }
  }

  /** Step 2 on an executor: all image records of one category. */
  static final class AccumulateCategory implements MapGroupsFunction<Integer, Row, CategoryResult> {
    @Override
    public CategoryResult call(Integer categoryId, Iterator<Row> rows) {
      List<CocoImageEvaluation> evaluations = new ArrayList<>();
      rows.forEachRemaining(r -> evaluations.addAll(fromRow(r)));
      long detections = 0;
      for (CocoImageEvaluation e : evaluations) {
        if (e.areaRange() == CocoAreaRange.ALL) {
          detections += e.detectionCount();
        }
      }
      return new CategoryResult(
          CocoEvaluator.accumulate(categoryId, evaluations),
          ScoreHistogram.of(evaluations),
          detections);
    }
  }

  // Boxed arrays: Spark's Row encoder reads array columns from Object arrays or Seqs.
  /** The four area-range records of one image and category (in CocoAreaRange order) as a row. */
  static Row toRow(List<CocoImageEvaluation> evaluations) {
    CocoImageEvaluation first = evaluations.get(0);
    double[] scores = first.dtScores();
    Double[] s = new Double[scores.length];
    for (int k = 0; k < s.length; k++) {
      s[k] = scores[k];
    }
    Row[] ranges = new Row[evaluations.size()];
    for (CocoImageEvaluation e : evaluations) {
      int[] matched = e.dtMatched();
      int[] ignored = e.dtIgnored();
      boolean[] gtIgnored = e.gtIgnored();
      Integer[] m = new Integer[matched.length];
      Integer[] i = new Integer[ignored.length];
      Boolean[] g = new Boolean[gtIgnored.length];
      for (int k = 0; k < m.length; k++) {
        m[k] = matched[k];
        i[k] = ignored[k];
      }
      for (int k = 0; k < g.length; k++) {
        g[k] = gtIgnored[k];
      }
      ranges[e.areaRange().ordinal()] = RowFactory.create(m, i, g);
    }
    return RowFactory.create(first.imageId(), first.categoryId(), s, ranges);
  }

  static List<CocoImageEvaluation> fromRow(Row r) {
    List<Double> s = r.getList(2);
    double[] scores = new double[s.size()];
    for (int k = 0; k < scores.length; k++) {
      scores[k] = s.get(k);
    }
    List<Row> ranges = r.getList(3);
    List<CocoImageEvaluation> out = new ArrayList<>(ranges.size());
    for (int a = 0; a < ranges.size(); a++) {
      Row flags = ranges.get(a);
      List<Integer> m = flags.getList(0);
      List<Integer> i = flags.getList(1);
      List<Boolean> g = flags.getList(2);
      int[] matched = new int[m.size()];
      int[] ignored = new int[i.size()];
      boolean[] gtIgnored = new boolean[g.size()];
      for (int k = 0; k < matched.length; k++) {
        matched[k] = m.get(k);
        ignored[k] = i.get(k);
      }
      for (int k = 0; k < gtIgnored.length; k++) {
        gtIgnored[k] = g.get(k);
      }
      out.add(
          new CocoImageEvaluation(
              r.getLong(0),
              r.getInt(1),
              CocoAreaRange.values()[a],
              scores,
              matched,
              ignored,
              gtIgnored));
    }
    return out;
  }
}
