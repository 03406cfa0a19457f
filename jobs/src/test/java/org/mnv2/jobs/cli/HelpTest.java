package org.mnv2.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mnv2.jobs.PipelineCli;

/** Every command's --help, as a user reads it: each option once, real defaults. */
class HelpTest {
  private static String help(String command) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(PipelineCli.execute(new String[] {command, "--help"})).isZero();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void modelHelpNamesTheDefaultsNotNull() {
    for (String command : new String[] {"classify", "detect", "segment", "eval-coco", "eval-voc"}) {
      String help = help(command);
      assertThat(help).as(command).contains("--model=<model>").doesNotContain("null");
      assertThat(help).as(command).contains("synth-mobilenetv2 for classify");
    }
  }

  @Test
  void everyRuntimeOptionIsListedOnce() {
    String help = help("eval-voc");
    for (String option :
        new String[] {
          "--batch-size", "--images-per-partition", "--threads", "--device", "--mode", "--master"
        }) {
      // once in the synopsis and once in the option list
      assertThat(help.split(option + "=", -1)).as(option).hasSize(3);
    }
  }
}
