package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.UsageException;
import org.mnv2.synth.SynthGenerator;

/** --input-manifest: the images a file lists, the same rows as the folder they are in. */
class ManifestInputTest extends SparkTestBase {
  @TempDir static Path dir;
  private static List<Path> images;

  @BeforeAll
  static void images() throws IOException {
    SynthGenerator.generate(dir.resolve("synth"), 12, 3L);
    try (Stream<Path> files = Files.list(dir.resolve("synth/images"))) {
      images = files.sorted().toList();
    }
  }

  private static InferenceConf conf(String output) {
    return InferenceConf.of(
        dir.resolve("synth/images").toString(), output, Fixtures.spec("synth-mobilenetv2", null));
  }

  @Test
  void textAndCsvManifestsGiveTheFolderRunsRows() throws IOException {
    Path text = dir.resolve("list.txt");
    Files.writeString(
        text, String.join("\n", images.stream().map(Path::toString).toList()) + "\n\n");
    Path csv = dir.resolve("list.csv");
    Files.writeString(
        csv,
        "id,image_uri\n"
            + String.join(
                "\n", images.stream().map(p -> p.getFileName() + "," + p.toUri()).toList())
            + "\n");

    RunSummary folder = ClassifyJob.run(spark, conf(dir.resolve("folder").toString()));
    RunSummary fromText =
        ClassifyJob.run(spark, conf(dir.resolve("text").toString()).withManifest(text.toString()));
    RunSummary fromCsv =
        ClassifyJob.run(spark, conf(dir.resolve("csv").toString()).withManifest(csv.toString()));

    assertThat(fromText.images()).isEqualTo(12);
    assertThat(fromCsv.images()).isEqualTo(12);
    assertThat(ObjectStorageTest.rows(dir.resolve("text/predictions").toString()))
        .isEqualTo(ObjectStorageTest.rows(dir.resolve("folder/predictions").toString()));
    assertThat(ObjectStorageTest.rows(dir.resolve("csv/predictions").toString()))
        .isEqualTo(ObjectStorageTest.rows(dir.resolve("folder/predictions").toString()));
    assertThat(folder.ok()).isEqualTo(12);
  }

  @Test
  void anEmptyManifestIsAUsageError() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n");

    assertThatThrownBy(
            () ->
                ClassifyJob.run(
                    spark, conf(dir.resolve("none").toString()).withManifest(empty.toString())))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot read --input-manifest " + empty + ": it lists no image");
  }
}
