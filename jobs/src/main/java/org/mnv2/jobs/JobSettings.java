package org.mnv2.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.mnv2.model.UsageException;

/**
 * Typed job settings with one precedence order, highest first:
 *
 * <ol>
 *   <li>the command-line option ({@code --batch-size 16});
 *   <li>{@code --conf mnv2.batch-size=16} (also {@code spark.mnv2.batch-size} from
 *       spark-defaults.conf or spark-submit);
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

  /** ONNX Runtime intra-op threads per task; default spark.task.cpus. */
  public static final String INTRA_OP_THREADS = "mnv2.intra-op-threads";

  public static final String DEVICE = "mnv2.device";
  public static final String DEVICE_DEFAULT = "auto";
  public static final String SCORE_THRESHOLD = "mnv2.score-threshold";
  public static final String MAX_DETECTIONS = "mnv2.max-detections";

  private final Map<String, String> confs;
  private final Map<String, String> file;

  JobSettings(Map<String, String> confs, Map<String, String> file) {
    this.confs = Map.copyOf(confs);
    this.file = Map.copyOf(file);
  }

  /** Settings from {@code --conf} pairs and a conf file (null: the default file if present). */
  public static JobSettings of(Map<String, String> confs, Path confFile) {
    Path path = confFile;
    if (path == null) {
      String home = System.getenv("MNV2_HOME");
      Path candidate = Path.of(home == null ? "." : home, "conf", "pipeline.properties");
      path = Files.isRegularFile(candidate) ? candidate : null;
    } else if (!Files.isRegularFile(path)) {
      throw new UsageException("Cannot read --conf-file " + path + ": no such file");
    }
    return new JobSettings(confs, path == null ? Map.of() : readProperties(path));
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

  /** The value of {@code key}: {@code cli} if given, else --conf, else the file, else default. */
  public String get(String key, Object cli, String fallback) {
    if (cli != null) {
      return cli.toString();
    }
    String value = confs.get(key);
    if (value == null) {
      value = confs.get("spark." + key);
    }
    if (value == null) {
      value = file.get(key);
    }
    return value == null ? fallback : value;
  }

  /** A positive integer setting; {@code option} names the CLI option in messages. */
  public int positiveInt(String key, Integer cli, int fallback, String option) {
    String value = get(key, cli, Integer.toString(fallback));
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "Cannot use " + option + " / " + key + " '" + value + "' (expected a positive integer)");
  }

  /** A number setting, or NaN when unset everywhere. */
  public double number(String key, Double cli, String option) {
    String value = get(key, cli, null);
    if (value == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(
          "Cannot use " + option + " / " + key + " '" + value + "' (expected a number)");
    }
  }
}
