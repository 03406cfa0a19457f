package org.mnv2.model.spec;

import java.io.Serializable;

/**
 * A model description read from a spec file: where the ONNX file is, what the model does, and its
 * input and output contracts. Serializable: it travels inside Spark closures.
 *
 * @param name shown in the {@code model} column and in summary.json
 * @param uri the ONNX file, already resolved against the spec's location (file:, s3a:, hdfs:,
 *     classpath:)
 * @param sha256 expected SHA-256 of the ONNX bytes (lower-case hex), or null when unchecked
 */
public record ModelSpec(
    String name,
    Task task,
    String uri,
    String sha256,
    InputSpec input,
    OutputSpec output,
    Labels labels)
    implements Serializable {

  /** This spec with JPEGs decoded the other way ({@link InputSpec.Decode}). */
  public ModelSpec withDecode(InputSpec.Decode decode) {
    return new ModelSpec(name, task, uri, sha256, input.withDecode(decode), output, labels);
  }

  /** This spec with another ONNX location ({@code --model-uri}); the checksum no longer applies. */
  public ModelSpec withUri(String newUri) {
    return new ModelSpec(name, task, newUri, null, input, output, labels);
  }
}
