package org.mnv2.jobs.conf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.mnv2.model.UsageException;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.ReadAheadConf;
import scala.Tuple2;

/**
 * The typed view of every job setting, one method per key (its key, option, default and validation
 * together), each resolving in one order, highest first:
 *
 * <ol>
 *   <li>the command-line option ({@code --batch-size 16});
 *   <li>the command line's {@code --conf mnv2.batch-size=16} (or {@code spark.mnv2.batch-size});
 *   <li>the driver's SparkConf: {@code spark.mnv2.batch-size} from spark-submit's {@code --conf} or
 *       {@code spark-defaults.conf}, which reach the driver as system properties;
 *   <li>the conf file ({@code --conf-file}, else {@code $MNV2_HOME/conf/pipeline.properties});
 *   <li>the default next to each key below.
 * </ol>
 */
public final class JobSettings {
  public static final String BATCH_SIZE = "mnv2.batch-size";
  public static final int BATCH_SIZE_DEFAULT = 8;
  public static final String TOP_K = "mnv2.top-k";
  public static final int TOP_K_DEFAULT = 5;
  public static final String IMAGES_PER_PARTITION = "mnv2.images-per-partition";
  public static final int IMAGES_PER_PARTITION_DEFAULT = 128;

  /** ONNX Runtime intra-op threads per task; default {@code spark.task.cpus}. */
  public static final String INTRA_OP_THREADS = "mnv2.intra-op-threads";

  /** Images read ahead per task: at most this many reads in flight (and images held) per task. */
  public static final String READ_AHEAD = "mnv2.read-ahead";

  public static final int READ_AHEAD_DEFAULT = ReadAheadConf.READ_AHEAD_DEFAULT;

  /** Threads per task that decode and preprocess ahead of the model; 0: the task thread. */
  public static final String DECODE_THREADS = "mnv2.decode-threads";

  public static final int DECODE_THREADS_DEFAULT = ReadAheadConf.DECODE_THREADS_DEFAULT;

  public static final String DEVICE = "mnv2.device";
  public static final String DEVICE_DEFAULT = "auto";

  /** Detection score threshold in 0..1; default the spec's. */
  public static final String SCORE_THRESHOLD = "mnv2.score-threshold";

  /** Detections kept per image; default the spec's. */
  public static final String MAX_DETECTIONS = "mnv2.max-detections";

  /** label: new images per committed batch within a run. */
  public static final String LABEL_IMAGES_PER_BATCH = "mnv2.label-images-per-batch";

  /** How progress shows on stderr: auto, always or never. */
  public static final String PROGRESS = "mnv2.progress";

  public static final String PROGRESS_DEFAULT = "auto";

  /** Whether evaluations (and classify --labels) write report.html: true or false. */
  public static final String REPORT = "mnv2.report";

  public static final String REPORT_DEFAULT = "true";

  private static final String TASK_CPUS = "spark.task.cpus";
  private static final String SPARK_PREFIX = "spark.";

  private final Map<String, String> commandLineConf;
  private final Map<String, String> driverConf;
  private final Map<String, String> file;

  /**
   * @param commandLineConf the command line's {@code --conf} pairs
   * @param driverConf the driver's Spark properties (spark-submit, spark-defaults.conf)
   * @param file the conf file's properties
   */
  public JobSettings(
      Map<String, String> commandLineConf,
      Map<String, String> driverConf,
      Map<String, String> file) {
    this.commandLineConf = Map.copyOf(commandLineConf);
    this.driverConf = Map.copyOf(driverConf);
    this.file = Map.copyOf(file);
  }

  /**
   * Settings from the command line's {@code --conf} pairs, this driver's SparkConf and a conf file
   * (null: the default file if present).
   */
  public static JobSettings of(Map<String, String> commandLineConf, Path confFile) {
    Path path = confFile;
    if (path == null) {
      String home = System.getenv("MNV2_HOME");
      Path candidate = Path.of(home == null ? "." : home, "conf", "pipeline.properties");
      path = Files.isRegularFile(candidate) ? candidate : null;
    } else if (!Files.isRegularFile(path)) {
      throw new UsageException("Cannot read --conf-file " + path + ": no such file");
    }
    return new JobSettings(
        commandLineConf, driverSparkConf(), path == null ? Map.of() : readProperties(path));
  }

  /** What {@code new SparkConf()} sees on this driver: the JVM's spark.* system properties. */
  static Map<String, String> driverSparkConf() {
    Map<String, String> out = new HashMap<>();
    for (Tuple2<String, String> entry : new SparkConf(true).getAll()) {
      out.put(entry._1(), entry._2());
    }
    return out;
  }

  private static Map<String, String> readProperties(Path path) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      p.load(in);
    } catch (IOException e) {
      throw new UsageException("Cannot read conf file " + path + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }

  /** {@code --batch-size} / {@value #BATCH_SIZE}: images per ONNX Runtime call. */
  public int batchSize(Integer option) {
    return positiveInt(BATCH_SIZE, "--batch-size", option, BATCH_SIZE_DEFAULT);
  }

  /** {@code --images-per-partition} / {@value #IMAGES_PER_PARTITION}. */
  public int imagesPerPartition(Integer option) {
    return positiveInt(
        IMAGES_PER_PARTITION, "--images-per-partition", option, IMAGES_PER_PARTITION_DEFAULT);
  }

  /** {@code --top-k} / {@value #TOP_K}: classes per image. */
  public int topK(Integer option) {
    return positiveInt(TOP_K, "--top-k", option, TOP_K_DEFAULT);
  }

  /**
   * {@code --threads} / {@value #INTRA_OP_THREADS}: ONNX Runtime intra-op threads per task; by
   * default {@code spark.task.cpus} (one thread per core a task holds).
   */
  public int intraOpThreads(Integer option) {
    String cpus = sparkValue(TASK_CPUS);
    int taskCpus = parse(TASK_CPUS, TASK_CPUS, cpus == null ? "1" : cpus, JobSettings::positive);
    return positiveInt(INTRA_OP_THREADS, "--threads", option, taskCpus);
  }

  /** {@code --read-ahead} / {@value #READ_AHEAD}: images read ahead per task (at least 1). */
  public int readAhead(Integer option) {
    return positiveInt(READ_AHEAD, "--read-ahead", option, READ_AHEAD_DEFAULT);
  }

  /**
   * {@code --decode-threads} / {@value #DECODE_THREADS}: threads per task that decode and
   * preprocess ahead of the model; 0 (the default) decodes in the task thread.
   */
  public int decodeThreads(Integer option) {
    String value = value(DECODE_THREADS, option, Integer.toString(DECODE_THREADS_DEFAULT));
    return parse(
        DECODE_THREADS,
        "--decode-threads",
        value,
        v -> {
          int n = Integer.parseInt(v);
          return n >= 0 ? n : null;
        },
        "0 or a positive integer");
  }

  /** {@link #readAhead} and {@link #decodeThreads} together. */
  public ReadAheadConf readAhead(Integer readAheadOption, Integer decodeThreadsOption) {
    return new ReadAheadConf(readAhead(readAheadOption), decodeThreads(decodeThreadsOption));
  }

  /** {@value #LABEL_IMAGES_PER_BATCH}: label's new images per committed batch. */
  public int labelImagesPerBatch() {
    return positiveInt(
        LABEL_IMAGES_PER_BATCH, LABEL_IMAGES_PER_BATCH, null, LabelConf.IMAGES_PER_BATCH_DEFAULT);
  }

  /** {@code --device} / {@value #DEVICE}: auto, cpu or gpu. */
  public DeviceMode device(String option) {
    return DeviceMode.parse(value(DEVICE, option, DEVICE_DEFAULT));
  }

  /** {@code --score-threshold} / {@value #SCORE_THRESHOLD} in 0..1, or NaN for the spec's. */
  public double scoreThreshold(Double option) {
    String value = value(SCORE_THRESHOLD, option, null);
    if (value == null) {
      return Double.NaN;
    }
    return parse(
        SCORE_THRESHOLD,
        "--score-threshold",
        value,
        v -> {
          double d = Double.parseDouble(v);
          return d >= 0 && d <= 1 ? d : null;
        },
        "a number in 0..1");
  }

  /** {@code --max-detections} / {@value #MAX_DETECTIONS}, or 0 for the spec's. */
  public int maxDetections(Integer option) {
    String value = value(MAX_DETECTIONS, option, null);
    return value == null
        ? 0
        : parse(MAX_DETECTIONS, "--max-detections", value, JobSettings::positive);
  }

  /** {@code --progress} / {@value #PROGRESS}: auto (default), always or never. */
  public ProgressMode progress(String option) {
    String value = value(PROGRESS, option, PROGRESS_DEFAULT);
    try {
      return ProgressMode.parse(value);
    } catch (UsageException e) {
      String name = option != null ? "--progress" : PROGRESS;
      throw new UsageException(
          "Cannot use " + name + " '" + value + "' (expected auto, always or never)", e);
    }
  }

  /** {@value #REPORT}: whether report.html is written (true, the default, or false). */
  public boolean report() {
    String value = value(REPORT, null, REPORT_DEFAULT);
    return parse(
        REPORT,
        REPORT,
        value,
        v -> v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? false : null,
        "true or false");
  }

  private int positiveInt(String key, String option, Integer cli, int fallback) {
    return parse(key, option, value(key, cli, Integer.toString(fallback)), JobSettings::positive);
  }

  private static Integer positive(String value) {
    int n = Integer.parseInt(value);
    return n >= 1 ? n : null;
  }

  private static <T> T parse(String key, String option, String value, Function<String, T> parser) {
    return parse(key, option, value, parser, "a positive integer");
  }

  /** {@code parser}'s value, or a usage error naming option and key when it fails or is null. */
  private static <T> T parse(
      String key, String option, String value, Function<String, T> parser, String expected) {
    T parsed = null;
    try {
      parsed = parser.apply(value.trim());
    } catch (NumberFormatException e) {
      // reported below
    }
    if (parsed == null) {
      String name = option.equals(key) ? key : option + " / " + key;
      throw new UsageException(
          "Cannot use " + name + " '" + value + "' (expected " + expected + ")");
    }
    return parsed;
  }

  /** The value of {@code key} by the precedence above; {@code cli} is the option's value. */
  private String value(String key, Object cli, String fallback) {
    if (cli != null) {
      return cli.toString();
    }
    String value = commandLineConf.get(key);
    if (value == null) {
      value = commandLineConf.get(SPARK_PREFIX + key);
    }
    if (value == null) {
      value = driverConf.get(SPARK_PREFIX + key);
    }
    if (value == null) {
      value = file.get(key);
    }
    return value == null ? fallback : value;
  }

  /** A Spark property: the command line's --conf over the driver's SparkConf. */
  private String sparkValue(String key) {
    String value = commandLineConf.get(key);
    return value != null ? value : driverConf.get(key);
  }
}
