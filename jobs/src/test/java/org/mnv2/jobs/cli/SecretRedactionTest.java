package org.mnv2.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the command line prints loses the values of secret-looking key=value pairs. */
class SecretRedactionTest {

  @Test
  void hidesValuesOfKeysSparkWouldRedact() {
    assertThat(
            SecretRedaction.redact(
                "Unknown options: '--cnf', 'spark.hadoop.fs.s3a.secret.key=Abc/123+xyz'"))
        .isEqualTo(
            "Unknown options: '--cnf', 'spark.hadoop.fs.s3a.secret.key=*********(redacted)'");
    assertThat(SecretRedaction.redact("fs.s3a.access.key=AKIA123 fs.s3a.session.token: tok"))
        .isEqualTo(
            "fs.s3a.access.key=*********(redacted) fs.s3a.session.token: *********(redacted)");
    assertThat(SecretRedaction.redact("javax.jdo.option.ConnectionPassword=pw"))
        .isEqualTo("javax.jdo.option.ConnectionPassword=*********(redacted)");
  }

  @Test
  void leavesOrdinaryTextAlone() {
    String message = "Cannot read input s3a://bucket/images: no such file or directory";

    assertThat(SecretRedaction.redact(message)).isEqualTo(message);
    assertThat(SecretRedaction.redact("mnv2.batch-size=16")).isEqualTo("mnv2.batch-size=16");
    assertThat(SecretRedaction.redact(null)).isNull();
  }
}
