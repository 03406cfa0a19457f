package org.mnv2.eval.voc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file access a VOC tree needs, so the reader stays free of any file system library: the jobs
 * pass one over Hadoop's FileSystem (s3a:, hdfs:, file:), tests use {@link #local()}.
 */
public interface VocFiles {
  /** The bytes of the file at {@code uri}; {@link NoSuchFileException} when there is none. */
  byte[] read(String uri) throws IOException;

  /** Whether a file or directory exists at {@code uri}. */
  boolean exists(String uri) throws IOException;

  /**
   * The names (not paths) of the files directly in directory {@code uri}; {@link
   * NoSuchFileException} (or Hadoop's FileNotFoundException) when there is no such directory, so
   * that a missing folder is never read as an empty one.
   */
  List<String> list(String uri) throws IOException;

  /** Local paths through java.nio. */
  static VocFiles local() {
    return new VocFiles() {
      @Override
      public byte[] read(String uri) throws IOException {
        return Files.readAllBytes(Path.of(uri));
      }

      @Override
      public boolean exists(String uri) {
        return Files.exists(Path.of(uri));
      }

      @Override
      public List<String> list(String uri) throws IOException {
        Path dir = Path.of(uri);
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
          throw new NoSuchFileException(uri, null, "no such directory");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          for (Path p : entries) {
            if (Files.isRegularFile(p)) {
              names.add(p.getFileName().toString());
            }
          }
        }
        return names;
      }
    };
  }
}
