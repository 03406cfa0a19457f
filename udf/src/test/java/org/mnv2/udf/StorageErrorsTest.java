package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/** An unreachable store fails the task; an unreadable file becomes its image's error row. */
class StorageErrorsTest {

  @Test
  void connectionFailuresAnywhereInTheChainMeanUnreachable() {
    IOException s3a =
        new IOException(
            "open s3a://bucket/a.jpg at 0 on s3a://bucket/a.jpg",
            new RuntimeException(
                "Unable to execute HTTP request",
                new ConnectException("Connect to 127.0.0.1:9000 failed: Connection refused")));

    assertThat(StorageErrors.isUnreachable(s3a)).isTrue();
    assertThat(StorageErrors.isUnreachable(new SocketTimeoutException("Read timed out"))).isTrue();
  }

  @Test
  void missingOrForbiddenFilesAreTheImagesProblem() {
    assertThat(StorageErrors.isUnreachable(new FileNotFoundException("s3a://bucket/gone.jpg")))
        .isFalse();
    assertThat(StorageErrors.isUnreachable(new AccessDeniedException("s3a://bucket/secret.jpg")))
        .isFalse();
    assertThat(StorageErrors.isUnreachable(new IOException("truncated"))).isFalse();
  }
}
