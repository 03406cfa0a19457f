package org.mnv2.udf;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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

  @Override
  public boolean exists(String uri) {
    if (isLocal(uri)) {
      return super.exists(uri);
    }
    try {
      Path path = new Path(uri);
      return path.getFileSystem(conf).isFile(path);
    } catch (IOException e) {
      return false;
    }
  }
}
