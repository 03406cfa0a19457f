package org.mnv2.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mnv2.jobs.PipelineCli;
import org.mnv2.model.UsageException;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.synth.SynthSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pipeline synth}: the deterministic synthetic dataset (docs/SYNTH.md); no Spark. */
@Command(
    name = "synth",
    description = "Generate the synthetic dataset: JPEGs, COCO instances.json, a VOCdevkit tree.",
    mixinStandardHelpOptions = true)
public final class SynthCommand implements Callable<Integer> {
  @Option(names = "--output", required = true, description = "output folder (local)")
  Path output;

  @Option(names = "--images", defaultValue = "200", description = "images (default 200)")
  int images;

  @Option(names = "--seed", defaultValue = "1", description = "random seed (default 1)")
  long seed;

  @Override
  public Integer call() {
    if (images < 1) {
      throw new UsageException("Cannot generate " + images + " images (expected --images >= 1)");
    }
    SynthSummary summary = SynthGenerator.generate(output, images, seed);
    System.out.println("synth: " + summary);
    return PipelineCli.OK;
  }
}
