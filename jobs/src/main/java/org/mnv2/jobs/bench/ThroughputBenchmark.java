package org.mnv2.jobs.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.cli.ModelOptions;
import org.mnv2.jobs.cli.RuntimeOptions;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.runtime.InputBatch;
import org.mnv2.model.runtime.OnnxSession;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.runtime.SessionRunner;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Pipeline throughput against the inference-only bound, on the same images, model and threads:
 *
 * <ol>
 *   <li>(a) ONNX Runtime alone: {@code cores} threads, each running batches of pre-made tensors
 *       through the one shared session (1 intra-op thread each, as Spark tasks do);
 *   <li>(b) the whole pipeline from JPEG files to Parquet on {@code local[cores]}.
 * </ol>
 *
 * Prints images/s of both, the ratio (b)/(a), and where the pipeline's task time went. Images are
 * COCO-sized (640x480) JPEGs made from the synthetic generator's scenes, or the files of {@code
 * --input}.
 *
 * <p>With {@code --apis}, instead: the three ways in to the same model on the same images, each
 * from image files to Parquet on {@code local[cores]}, alternated for {@code --rounds} rounds after
 * one warm-up of each: the job ({@code classify} / {@code detect} / {@code segment}), the pipeline
 * stage on {@code spark.read().format("binaryFile")}, and the SQL function ({@code SELECT path,
 * classify_image(content) FROM images}). Prints images/s of every run and each API's median against
 * the job's.
 */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true)
public final class ThroughputBenchmark implements java.util.concurrent.Callable<Integer> {
  private static final String DEFAULT_MODEL = "mobilenetv2-onnx-zoo";

  /** The same --model / --model-uri and runtime options as the jobs. */
  @Mixin ModelOptions model;

  @Mixin RuntimeOptions runtime;

  @Option(names = "--images", defaultValue = "500")
  int images;

  @Option(names = "--cores", defaultValue = "2")
  int cores;

  @Option(names = "--work", defaultValue = "target/bench")
  Path work;

  @Option(
      names = "--input",
      description = "a folder of images to use instead of the synthetic COCO-sized JPEGs")
  Path input;

  @Option(
      names = "--apis",
      description = "compare the job, the pipeline stage and the SQL function")
  boolean apis;

  @Option(names = "--rounds", defaultValue = "3", description = "alternated rounds of --apis")
  int rounds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ThroughputBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = model.loadEarly(DEFAULT_MODEL, null);
    Path jpegs = input != null ? input : cocoSizedJpegs(work.resolve("images-" + images), images);
    // The pipeline runs with the jobs' own runtime options and settings (--batch-size, ...).
    JobSettings settings = JobSettings.of(Map.of(), null);
    InferenceConf measured = conf(settings, jpegs, "run", spec);
    int batch = measured.batchSize();
    if (apis) {
      return new ApiComparison(spec, model.name(DEFAULT_MODEL), jpegs, cores, batch, work, rounds)
          .run();
    }
    byte[] onnx = new LocalResources().read(spec.uri());

    int batchSize = batch;
    double inferenceOnly;
    try (OnnxSession session = OnnxSession.open(spec, onnx, SessionOptions.cpu(1))) {
      if (session.run(filled(spec, 1)).isEmpty()) {
        throw new IllegalStateException("model returned no outputs");
      }
      try {
        session.run(filled(spec, batchSize));
      } catch (RuntimeException e) {
        batchSize = 1; // a model with a static batch of 1
      }
      inferenceOnly(session, spec, batchSize, Math.min(images, 100)); // warm-up
      inferenceOnly = inferenceOnly(session, spec, batchSize, images);
    }

    SparkSession spark =
        SparkSession.builder()
            .master("local[" + cores + "]")
            .appName("mnv2 bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    RunSummary pipeline;
    try {
      // warm-up run (JIT, native library, session) on a slice, then the measured run
      InferenceRun.predict(spark, conf(settings, jpegs, "warmup", spec));
      pipeline = InferenceRun.predict(spark, measured);
    } finally {
      spark.stop();
    }
    print(spec, batchSize, inferenceOnly, pipeline);
    return 0;
  }

  private void print(ModelSpec spec, int batchSize, double inferenceOnly, RunSummary p) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "model %s (%s), %d COCO-sized JPEGs, %d cores, batch %d, 1 ORT thread per task%n",
        spec.name(),
        spec.task().name().toLowerCase(Locale.ROOT),
        images,
        cores,
        batchSize);
    System.out.printf(Locale.ROOT, "(a) inference only:        %8.1f images/s%n", inferenceOnly);
    System.out.printf(
        Locale.ROOT, "(b) pipeline files->Parquet: %8.1f images/s%n", p.imagesPerSecond());
    System.out.printf(
        Locale.ROOT, "(b)/(a):                   %8.2f%n", p.imagesPerSecond() / inferenceOnly);
    long total = p.stageMillis().values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        Locale.ROOT,
        "pipeline task time by stage (ms, summed over tasks; wall %.1f s x %d cores = %.0f ms):%n",
        p.wallSeconds(),
        cores,
        p.wallSeconds() * cores * 1000);
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(p.stageMillis()).entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-12s %8d  %5.1f%% of stage time, %.2f ms/image%n",
          e.getKey(),
          e.getValue(),
          100.0 * e.getValue() / Math.max(1, total),
          e.getValue() / (double) images);
    }
    double other = p.wallSeconds() * cores * 1000 - total;
    System.out.printf(
        Locale.ROOT,
        "  %-12s %8.0f  (Spark scheduling, Parquet writing, listing, idle cores)%n",
        "other",
        other);
  }

  private InferenceConf conf(JobSettings settings, Path jpegs, String out, ModelSpec spec) {
    return runtime.conf(
        settings,
        jpegs.toString(),
        false,
        work.resolve(out).toString(),
        OutputMode.OVERWRITE,
        spec,
        TaskOptions.defaults(),
        null);
  }

  private double inferenceOnly(OnnxSession session, ModelSpec spec, int batchSize, int n)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(cores);
    int perThread = (n + cores - 1) / cores;
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < cores; t++) {
      futures.add(
          pool.submit(
              () -> {
                InputBatch input = filled(spec, batchSize);
                // One predictor per thread, as each Spark task holds one.
                try (SessionRunner runner = session.newRunner()) {
                  for (int done = 0; done < perThread; done += batchSize) {
                    runner.run(input);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    int batchesPerThread = (perThread + batchSize - 1) / batchSize;
    return cores * batchesPerThread * batchSize / seconds;
  }

  private static InputBatch filled(ModelSpec spec, int n) {
    InputBatch batch = new InputBatch(spec.input(), n);
    java.util.Random random = new java.util.Random(1);
    if (batch.floats() != null) {
      for (int i = 0; i < batch.floats().capacity(); i++) {
        batch.floats().put(i, (float) random.nextGaussian());
      }
    } else {
      for (int i = 0; i < batch.bytes().capacity(); i++) {
        batch.bytes().put(i, (byte) random.nextInt(256));
      }
    }
    batch.setSize(n);
    return batch;
  }

  /** {@code n} 640x480 JPEGs (quality 90), made once and reused. */
  static Path cocoSizedJpegs(Path dir, int n) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        if (files.count() == n) {
          return dir;
        }
      }
    }
    Path synth = dir.resolveSibling(dir.getFileName() + "-synth");
    SynthGenerator.generate(synth, n, 4242);
    Files.createDirectories(dir);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (Stream<Path> files = Files.list(synth.resolve("images")).sorted()) {
      for (Path f : (Iterable<Path>) files::iterator) {
        BufferedImage src = ImageIO.read(f.toFile());
        BufferedImage big = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, 640, 480, null);
        g.dispose();
        try (ImageOutputStream out =
            ImageIO.createImageOutputStream(dir.resolve(f.getFileName()).toFile())) {
          writer.setOutput(out);
          writer.write(null, new IIOImage(big, null, null), param);
        }
      }
    }
    writer.dispose();
    return dir;
  }
}
