package org.mnv2.jobs.evaluation.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.eval.coco.CocoCategoryAp;
import org.mnv2.eval.coco.CocoEvaluation;
import org.mnv2.jobs.storage.Json;
import org.mnv2.jobs.storage.OutputLocation;
import org.mnv2.model.PipelineException;

/** What eval-coco writes besides predictions/: detections.json, metrics.json and metrics/. */
public final class CocoOutputs {
  /** metrics/: one row per overall stat (category null) and per category AP. */
  static final StructType METRICS =
      new StructType()
          .add("metric", DataTypes.StringType, false)
          .add("category_id", DataTypes.IntegerType, true)
          .add("name", DataTypes.StringType, true)
          .add("value", DataTypes.DoubleType, true);

  private CocoOutputs() {}

  /** The metrics.json object (docs/OUTPUTS.md): task, images, the 12 stats, per-category AP. */
  static Map<String, Object> metricsJson(CocoEvaluation evaluation) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("task", "detection");
    json.put("images", evaluation.images());
    json.put("stats", evaluation.stats().byName());
    List<Map<String, Object>> perCategory = new ArrayList<>();
    for (CocoCategoryAp c : evaluation.perCategory()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("category_id", c.categoryId());
      entry.put("name", c.name());
      entry.put("AP", c.ap());
      perCategory.add(entry);
    }
    json.put("per_category", perCategory);
    return json;
  }

  public static void writeMetrics(
      SparkSession spark, OutputLocation output, CocoEvaluation evaluation) {
    output.writeText("metrics.json", Json.write(metricsJson(evaluation)));
    List<Row> rows = new ArrayList<>();
    evaluation.stats().byName().forEach((k, v) -> rows.add(RowFactory.create(k, null, null, v)));
    for (CocoCategoryAp c : evaluation.perCategory()) {
      rows.add(RowFactory.create("AP", c.categoryId(), c.name(), c.ap()));
    }
    spark
        .createDataFrame(rows, METRICS)
        .coalesce(1)
        .write()
        .mode(SaveMode.ErrorIfExists)
        .parquet(output.child("metrics"));
  }

  /**
   * Streams detection rows ({@link SparkCocoEvaluator#DETECTIONS}, in the order to write) into a
   * COCO results file, one partition at a time: the driver never holds them all.
   *
   * @return the number written
   */
  public static long writeDetections(Iterator<Row> rows, String uri, Configuration conf) {
    Path path = new Path(uri);
    long n = 0;
    try (OutputStream out = path.getFileSystem(conf).create(path, true);
        JsonGenerator json = Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartArray();
      while (rows.hasNext()) {
        Row r = rows.next();
        json.writeStartObject();
        json.writeNumberField("image_id", r.getLong(1));
        json.writeNumberField("category_id", r.getInt(2));
        json.writeArrayFieldStart("bbox");
        for (int i = 3; i < 7; i++) {
          json.writeNumber(r.getDouble(i));
        }
        json.writeEndArray();
        json.writeNumberField("score", r.getDouble(7));
        json.writeEndObject();
        n++;
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new PipelineException("Cannot write " + uri + ": " + e.getMessage(), e);
    }
    return n;
  }

  /** Copies the evaluated results file to the output, byte for byte. */
  public static void copyDetections(String from, String to, Configuration conf) {
    try {
      Path src = new Path(from);
      Path dst = new Path(to);
      FileSystem srcFs = src.getFileSystem(conf);
      FileUtil.copy(srcFs, src, dst.getFileSystem(conf), dst, false, true, conf);
    } catch (IOException e) {
      throw new PipelineException("Cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }
}
