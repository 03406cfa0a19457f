package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.UsageException;

/** Every level of the precedence: command line > --conf > conf file > default. */
class JobSettingsTest {
  static final String KEY = JobSettings.BATCH_SIZE;

  @Test
  void defaultWhenNothingIsSet() {
    JobSettings s = new JobSettings(Map.of(), Map.of());
    assertThat(s.positiveInt(KEY, null, 8, "--batch-size")).isEqualTo(8);
  }

  @Test
  void confFileBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pipeline.properties");
    Files.writeString(file, KEY + " = 12\n");
    JobSettings s = JobSettings.of(Map.of(), file);
    assertThat(s.positiveInt(KEY, null, 8, "--batch-size")).isEqualTo(12);
  }

  @Test
  void confPairBeatsConfFile() {
    JobSettings s = new JobSettings(Map.of(KEY, "16"), Map.of(KEY, "12"));
    assertThat(s.positiveInt(KEY, null, 8, "--batch-size")).isEqualTo(16);
  }

  @Test
  void sparkPrefixedConfCountsAsConf() {
    JobSettings s = new JobSettings(Map.of("spark." + KEY, "20"), Map.of(KEY, "12"));
    assertThat(s.positiveInt(KEY, null, 8, "--batch-size")).isEqualTo(20);
  }

  @Test
  void commandLineBeatsEverything() {
    JobSettings s = new JobSettings(Map.of(KEY, "16"), Map.of(KEY, "12"));
    assertThat(s.positiveInt(KEY, 4, 8, "--batch-size")).isEqualTo(4);
  }

  @Test
  void badValuesNameTheOptionAndKey() {
    JobSettings s = new JobSettings(Map.of(KEY, "lots"), Map.of());
    assertThatThrownBy(() -> s.positiveInt(KEY, null, 8, "--batch-size"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use --batch-size / mnv2.batch-size 'lots' (expected a positive integer)");
    assertThatThrownBy(() -> s.positiveInt(KEY, 0, 8, "--batch-size"))
        .hasMessageContaining("'0' (expected a positive integer)");
  }

  @Test
  void missingConfFileIsAUsageError(@TempDir Path dir) {
    assertThatThrownBy(() -> JobSettings.of(Map.of(), dir.resolve("nope.properties")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("nope.properties: no such file");
  }
}
