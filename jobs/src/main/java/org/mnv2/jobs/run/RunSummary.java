package org.mnv2.jobs.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run did: written as summary.json and returned by every job's {@code run}.
 *
 * @param stageMillis task time by stage, summed over tasks, each timed on the thread that does it
 *     (read, decode, preprocess, inference, postprocess; wait: the task thread blocked on its next
 *     image; see {@link org.mnv2.udf.StageTimers})
 * @param jpegDecoders the JPEG decoders the executors used ({@code turbojpeg}, {@code imageio});
 *     empty when the run decoded no images
 * @param metrics evaluation or accuracy figures when the run computed any (else empty)
 */
public record RunSummary(
    String runId,
    String command,
    String model,
    String master,
    String output,
    long images,
    long ok,
    long errors,
    double wallSeconds,
    double imagesPerSecond,
    long sessionsBuilt,
    Map<String, Long> stageMillis,
    List<String> jpegDecoders,
    Map<String, Object> metrics) {

  public RunSummary {
    stageMillis = Map.copyOf(stageMillis);
    jpegDecoders = List.copyOf(jpegDecoders);
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** The summary.json object. */
  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_id", runId);
    json.put("command", command);
    json.put("model", model);
    json.put("spark_master", master);
    json.put("output", output);
    json.put("images", images);
    json.put("ok", ok);
    json.put("errors", errors);
    json.put("wall_seconds", Math.round(wallSeconds * 1000) / 1000.0);
    json.put("images_per_second", Math.round(imagesPerSecond * 100) / 100.0);
    json.put("sessions_built", sessionsBuilt);
    json.put("task_millis_by_stage", new java.util.TreeMap<>(stageMillis));
    if (!jpegDecoders.isEmpty()) {
      json.put("jpeg_decoders", jpegDecoders);
    }
    if (!metrics.isEmpty()) {
      json.put("metrics", metrics);
    }
    return json;
  }

  /** This summary with metrics added. */
  RunSummary withMetrics(Map<String, Object> more) {
    Map<String, Object> all = new LinkedHashMap<>(metrics);
    all.putAll(more);
    return new RunSummary(
        runId,
        command,
        model,
        master,
        output,
        images,
        ok,
        errors,
        wallSeconds,
        imagesPerSecond,
        sessionsBuilt,
        stageMillis,
        jpegDecoders,
        all);
  }
}
