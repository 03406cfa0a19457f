package org.mnv2.model.spec;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Local files (plain paths and {@code file:} URIs) and {@code classpath:} resources. */
public class LocalResources implements ResourceReader {
  public static final String CLASSPATH = "classpath:";

  @Override
  public byte[] read(String uri) throws IOException {
    if (uri.startsWith(CLASSPATH)) {
      String resource = uri.substring(CLASSPATH.length()).replaceFirst("^/+", "");
      try (InputStream in = classLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("no classpath resource " + resource);
        }
        return in.readAllBytes();
      }
    }
    return Files.readAllBytes(toPath(uri));
  }

  @Override
  public boolean exists(String uri) {
    if (uri.startsWith(CLASSPATH)) {
      return classLoader().getResource(uri.substring(CLASSPATH.length()).replaceFirst("^/+", ""))
          != null;
    }
    return Files.isRegularFile(toPath(uri));
  }

  /** Whether this reader handles {@code uri} (local path, file: or classpath:). */
  public static boolean isLocal(String uri) {
    return uri.startsWith(CLASSPATH)
        || uri.startsWith("file:")
        || !uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
  }

  static Path toPath(String uri) {
    return uri.startsWith("file:") ? Paths.get(URI.create(uri)) : Paths.get(uri);
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : LocalResources.class.getClassLoader();
  }
}
