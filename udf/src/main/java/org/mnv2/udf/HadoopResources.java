package org.mnv2.udf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnv2.model.PipelineException;
import org.mnv2.model.spec.LocalResources;

/**
 * Resources on any Hadoop file system ({@code s3a:}, {@code hdfs:}, {@code file:}...); local paths
 * and {@code classpath:} go through {@link LocalResources}.
 */
public final class HadoopResources extends LocalResources {
  private final Configuration conf;

  public HadoopResources(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public byte[] read(String uri) throws IOException {
    if (isLocal(uri)) {
      return super.read(uri);
    }
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(conf);
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * Whether {@code uri} names a file. Only the file system's "not found" answer means no: any other
   * failure (the store unreachable, access denied, an unknown scheme) is thrown as a {@link
   * PipelineException} naming the URI, so that a network problem never reads as a missing file.
   */
  @Override
  public boolean exists(String uri) {
    if (isLocal(uri)) {
      return super.exists(uri);
    }
    Path path = new Path(uri);
    try {
      return path.getFileSystem(conf).getFileStatus(path).isFile();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new PipelineException("Cannot check whether " + uri + " exists: " + reason, e);
    }
  }
}
