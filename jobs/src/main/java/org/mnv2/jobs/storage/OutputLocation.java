package org.mnv2.jobs.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;

/**
 * A run's {@code --output} folder on any Hadoop file system: refuses to clobber an existing output
 * unless {@code --mode overwrite} (then removes only what a run writes), and writes small JSON
 * files.
 */
public final class OutputLocation {
  public static final List<String> RUN_FILES =
      List.of(
          "predictions",
          "metrics",
          "summary.json",
          "metrics.json",
          "detections.json",
          "report.html");

  private final String uri;
  private final Configuration conf;

  public OutputLocation(String uri, Configuration conf) {
    this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    this.conf = conf;
  }

  public String uri() {
    return uri;
  }

  /** The URI of a child of the output. */
  public String child(String name) {
    return uri + "/" + name;
  }

  /** Fails when the output holds a run and {@code mode} is error; clears it for overwrite. */
  public void prepare(OutputMode mode) {
    try {
      Path root = new Path(uri);
      FileSystem fs = root.getFileSystem(conf);
      boolean exists = false;
      for (String name : RUN_FILES) {
        exists |= fs.exists(new Path(root, name));
      }
      if (!exists) {
        return;
      }
      if (mode == OutputMode.ERROR) {
        throw new UsageException(
            "Cannot write to " + uri + ": it already holds a run (use --mode overwrite)");
      }
      for (String name : RUN_FILES) {
        fs.delete(new Path(root, name), true);
      }
    } catch (IOException e) {
      throw new UsageException("Cannot use output " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code text} to a child file, replacing it. */
  public void writeText(String name, String text) {
    try {
      Path path = new Path(child(name));
      try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot write " + child(name) + ": " + e.getMessage(), e);
    }
  }
}
