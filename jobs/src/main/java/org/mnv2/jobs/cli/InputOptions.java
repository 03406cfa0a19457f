package org.mnv2.jobs.cli;

import org.mnv2.model.UsageException;
import picocli.CommandLine.Option;

/** The images of classify, detect, segment and label: a folder, glob or file, or a manifest. */
final class InputOptions {
  @Option(names = "--input", description = "images: directory (read recursively), glob or file URI")
  String input;

  @Option(
      names = "--input-manifest",
      description =
          "instead of --input: a file listing image URIs, text (one per line), CSV or Parquet"
              + " (column image_uri, uri or path); never listed or collected on the driver; for"
              + " label a folder of text manifests, each labelled once")
  String manifest;

  /** The input's URI; exactly one of the two options must be given. */
  String uri() {
    if (input == null && manifest == null) {
      throw new UsageException(
          "Missing required option: '--input=<input>' (or '--input-manifest=<manifest>')");
    }
    if (input != null && manifest != null) {
      throw new UsageException(
          "Cannot read images: give --input or --input-manifest (expected one, got both)");
    }
    return input != null ? input : manifest;
  }

  boolean manifest() {
    return manifest != null;
  }
}
