package org.mnv2.model.spec;

import java.io.IOException;

/**
 * Reads whole small resources (spec files, label files, ONNX models) by URI. The core handles local
 * paths, {@code file:} and {@code classpath:}; the Spark layer adds every Hadoop scheme.
 */
public interface ResourceReader {
  /** The bytes at {@code uri}. */
  byte[] read(String uri) throws IOException;

  /** Whether {@code uri} names an existing resource. */
  boolean exists(String uri);
}
