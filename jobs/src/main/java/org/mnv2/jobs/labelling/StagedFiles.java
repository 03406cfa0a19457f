package org.mnv2.jobs.labelling;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnv2.model.PipelineException;

/** The file moves and small text files of label's staging folders. */
final class StagedFiles {
  private StagedFiles() {}

  /**
   * Moves the data files of {@code staging} (not its {@code _} or {@code .} files) into {@code
   * target}; a file already moved by an earlier attempt is simply no longer in staging.
   */
  static void moveInto(FileSystem fs, Path staging, Path target) throws IOException {
    fs.mkdirs(target);
    for (FileStatus file : fs.listStatus(staging)) {
      String name = file.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      Path to = new Path(target, name);
      if (!fs.rename(file.getPath(), to)) {
        throw new PipelineException(
            "Cannot publish " + file.getPath() + " as " + to + " (the rename failed)");
      }
    }
  }

  static void writeText(FileSystem fs, Path path, String text) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String readText(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
