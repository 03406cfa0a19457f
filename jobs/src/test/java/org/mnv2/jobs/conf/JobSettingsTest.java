package org.mnv2.jobs.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.UsageException;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.ReadAheadConf;

/**
 * Every level of the precedence: command-line option > command-line --conf > the driver's SparkConf
 * > conf file > default. (Through SparkSubmit on a real cluster: ClusterSubmitIT.)
 */
class JobSettingsTest {
  static final String KEY = JobSettings.BATCH_SIZE;

  private static JobSettings settings(
      Map<String, String> conf, Map<String, String> driver, Map<String, String> file) {
    return new JobSettings(conf, driver, file);
  }

  @Test
  void defaultWhenNothingIsSet() {
    JobSettings s = settings(Map.of(), Map.of(), Map.of());
    assertThat(s.batchSize(null)).isEqualTo(8);
    assertThat(s.imagesPerPartition(null)).isEqualTo(128);
    assertThat(s.topK(null)).isEqualTo(5);
    assertThat(s.intraOpThreads(null)).isEqualTo(1);
    assertThat(s.device(null)).isEqualTo(DeviceMode.AUTO);
    assertThat(s.scoreThreshold(null)).isNaN();
    assertThat(s.maxDetections(null)).isZero();
  }

  @Test
  void confFileBeatsDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pipeline.properties");
    Files.writeString(file, KEY + " = 12\n");
    JobSettings s = JobSettings.of(Map.of(), file);
    assertThat(s.batchSize(null)).isEqualTo(12);
  }

  @Test
  void driverSparkConfBeatsConfFile() {
    JobSettings s = settings(Map.of(), Map.of("spark." + KEY, "20"), Map.of(KEY, "12"));
    assertThat(s.batchSize(null)).isEqualTo(20);
  }

  @Test
  void confPairBeatsDriverSparkConfAndConfFile() {
    JobSettings s = settings(Map.of(KEY, "16"), Map.of("spark." + KEY, "20"), Map.of(KEY, "12"));
    assertThat(s.batchSize(null)).isEqualTo(16);
  }

  @Test
  void sparkPrefixedConfCountsAsConf() {
    JobSettings s =
        settings(Map.of("spark." + KEY, "20"), Map.of("spark." + KEY, "24"), Map.of(KEY, "12"));
    assertThat(s.batchSize(null)).isEqualTo(20);
  }

  @Test
  void commandLineBeatsEverything() {
    JobSettings s = settings(Map.of(KEY, "16"), Map.of("spark." + KEY, "20"), Map.of(KEY, "12"));
    assertThat(s.batchSize(4)).isEqualTo(4);
  }

  @Test
  void aSparkPropertyGivenToTheDriverJvmIsRead() {
    // spark-submit hands spark-defaults.conf and its own --conf to the driver as system properties.
    String before = System.getProperty("spark.mnv2.top-k");
    System.setProperty("spark.mnv2.top-k", "3");
    try {
      assertThat(JobSettings.of(Map.of(), null).topK(null)).isEqualTo(3);
      assertThat(JobSettings.of(Map.of("mnv2.top-k", "2"), null).topK(null)).isEqualTo(2);
    } finally {
      if (before == null) {
        System.clearProperty("spark.mnv2.top-k");
      } else {
        System.setProperty("spark.mnv2.top-k", before);
      }
    }
  }

  @Test
  void threadsFollowSparkTaskCpusUnlessSet() {
    assertThat(settings(Map.of(), Map.of("spark.task.cpus", "2"), Map.of()).intraOpThreads(null))
        .isEqualTo(2);
    assertThat(settings(Map.of("spark.task.cpus", "4"), Map.of(), Map.of()).intraOpThreads(null))
        .isEqualTo(4);
    assertThat(settings(Map.of("spark.task.cpus", "4"), Map.of(), Map.of()).intraOpThreads(1))
        .isEqualTo(1);
    assertThatThrownBy(
            () -> settings(Map.of("spark.task.cpus", "x"), Map.of(), Map.of()).intraOpThreads(null))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use spark.task.cpus 'x' (expected a positive integer)");
  }

  @Test
  void badValuesNameTheOptionAndKey() {
    JobSettings s = settings(Map.of(KEY, "lots"), Map.of(), Map.of());
    assertThatThrownBy(() -> s.batchSize(null))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use --batch-size / mnv2.batch-size 'lots' (expected a positive integer)");
    assertThatThrownBy(() -> s.batchSize(0))
        .hasMessageContaining("'0' (expected a positive integer)");
    assertThatThrownBy(() -> s.scoreThreshold(1.5))
        .hasMessage(
            "Cannot use --score-threshold / mnv2.score-threshold '1.5' (expected a number in"
                + " 0..1)");
  }

  @Test
  void readAheadAndDecodeThreadsFollowThePrecedence() {
    String ahead = JobSettings.READ_AHEAD;
    String decode = JobSettings.DECODE_THREADS;
    assertThat(settings(Map.of(), Map.of(), Map.of()).readAhead(null, null))
        .isEqualTo(new ReadAheadConf(16, 0));
    assertThat(settings(Map.of(), Map.of(), Map.of(ahead, "4", decode, "2")).readAhead(null, null))
        .isEqualTo(new ReadAheadConf(4, 2));
    JobSettings all =
        settings(
            Map.of(ahead, "6", decode, "3"),
            Map.of("spark." + ahead, "5", "spark." + decode, "1"),
            Map.of(ahead, "4", decode, "2"));
    assertThat(all.readAhead(null, null)).isEqualTo(new ReadAheadConf(6, 3));
    assertThat(all.readAhead(1, 0)).isEqualTo(new ReadAheadConf(1, 0));
    assertThat(
            settings(Map.of(), Map.of("spark." + ahead, "5"), Map.of(ahead, "4"))
                .readAhead(null, null))
        .isEqualTo(new ReadAheadConf(5, 0));
    assertThatThrownBy(() -> all.readAhead(0, null))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use --read-ahead / mnv2.read-ahead '0' (expected a positive integer)");
    assertThatThrownBy(() -> all.decodeThreads(-1))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use --decode-threads / mnv2.decode-threads '-1' (expected 0 or a positive"
                + " integer)");
  }

  @Test
  void missingConfFileIsAUsageError(@TempDir Path dir) {
    assertThatThrownBy(() -> JobSettings.of(Map.of(), dir.resolve("nope.properties")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("nope.properties: no such file");
  }

  @Test
  void progressFollowsThePrecedence() {
    String key = JobSettings.PROGRESS;
    assertThat(settings(Map.of(), Map.of(), Map.of()).progress(null)).isEqualTo(ProgressMode.AUTO);
    assertThat(settings(Map.of(), Map.of(), Map.of(key, "never")).progress(null))
        .isEqualTo(ProgressMode.NEVER);
    assertThat(
            settings(Map.of(), Map.of("spark." + key, "always"), Map.of(key, "never"))
                .progress(null))
        .isEqualTo(ProgressMode.ALWAYS);
    assertThat(
            settings(Map.of(key, "never"), Map.of("spark." + key, "always"), Map.of())
                .progress(null))
        .isEqualTo(ProgressMode.NEVER);
    assertThat(settings(Map.of(key, "never"), Map.of(), Map.of()).progress("always"))
        .isEqualTo(ProgressMode.ALWAYS);
  }

  @Test
  void aBadProgressOrReportValueNamesTheKey() {
    assertThatThrownBy(
            () -> settings(Map.of(JobSettings.PROGRESS, "loud"), Map.of(), Map.of()).progress(null))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use mnv2.progress 'loud' (expected auto, always or never)");
    assertThatThrownBy(
            () -> settings(Map.of(JobSettings.REPORT, "yes"), Map.of(), Map.of()).report())
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use mnv2.report 'yes' (expected true or false)");
    assertThat(settings(Map.of(), Map.of(), Map.of()).report()).isTrue();
    assertThat(settings(Map.of(), Map.of(), Map.of(JobSettings.REPORT, "false")).report())
        .isFalse();
  }
}
