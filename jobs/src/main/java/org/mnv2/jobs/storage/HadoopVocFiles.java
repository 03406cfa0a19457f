package org.mnv2.jobs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnv2.eval.voc.VocFiles;

/** A VOC tree on any Hadoop file system (local paths, file:, s3a:, hdfs:). */
public final class HadoopVocFiles implements VocFiles {
  private final Configuration conf;

  public HadoopVocFiles(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public byte[] read(String uri) throws IOException {
    return read(new Path(uri), conf);
  }

  /** The bytes of one file; shared with the executors' side of eval-voc. */
  public static byte[] read(Path path, Configuration conf) throws IOException {
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      return in.readAllBytes();
    }
  }

  @Override
  public boolean exists(String uri) throws IOException {
    Path path = new Path(uri);
    return path.getFileSystem(conf).exists(path);
  }

  @Override
  public List<String> list(String uri) throws IOException {
    Path dir = new Path(uri);
    FileSystem fs = dir.getFileSystem(conf);
    List<String> names = new ArrayList<>();
    // listStatus throws FileNotFoundException for a missing folder: never read as an empty one.
    for (FileStatus status : fs.listStatus(dir)) {
      if (status.isFile()) {
        names.add(status.getPath().getName());
      }
    }
    return names;
  }
}
