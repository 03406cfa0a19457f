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
 * Pipeline throughput on real photos against ONNX Runtime alone and against the programs a user
 * would write instead, on the same images, model and threads:
 *
 * <ol>
 *   <li>(a) ONNX Runtime alone: {@code cores} threads, each running batches of pre-made tensors
 *       through the one shared session (1 intra-op thread each, as Spark tasks do);
 *   <li>(b) the pipeline from JPEG files to Parquet on {@code local[cores]}, as marginal images/s:
 *       the difference between a run over {@code --images} and one over {@code --large-images}
 *       photos, so Spark's job start-up and the listing cancel out;
 *   <li>the peers of ../shared/peers when installed ({@code scripts/install-peers}): the plain ONNX
 *       Runtime program (Node + libvips) with the same model, and PyTorch eager when the model is
 *       the peers' fp32 one.
 * </ol>
 *
 * Runs alternate round by round (pipeline, then peers) and the medians are compared, since a shared
 * machine moves absolute figures. Also prints ms per image by stage and the peak resident memory of
 * each run. The photos are the fixture COCO photos (or {@code --input}) repeated to the counts
 * needed; {@code --synthetic} uses COCO-sized synthetic scenes instead, which decode several times
 * faster than photos.
 *
 * <p>{@code --store s3a} reads the photos from a loopback S3 server (s3proxy) through a link that
 * adds {@code --latency-ms} to every request, alternating each round with the same server without
 * the added latency. {@code --big-jpeg} classifies one very large JPEG in a child JVM and compares
 * its peak resident memory with the same child classifying one ordinary photo and with an idle JVM.
 * {@code --memory-images N} runs the pipeline once over N photos and samples resident memory as it
 * goes. {@code --apis} compares the job, the pipeline stage and the SQL function instead.
 */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true)
public final class ThroughputBenchmark implements java.util.concurrent.Callable<Integer> {
  private static final String DEFAULT_MODEL = "mobilenetv2-onnx-zoo";

  /** The same --model / --model-uri and runtime options as the jobs. */
  @Mixin ModelOptions model;

  @Mixin RuntimeOptions runtime;

  @Option(names = "--images", defaultValue = "512", description = "the small run's images")
  int images;

  @Option(
      names = "--large-images",
      defaultValue = "2048",
      description = "the large run's images (marginal = difference of the two runs)")
  int largeImages;

  @Option(names = "--rounds", defaultValue = "3", description = "alternated rounds")
  int rounds;

  @Option(names = "--cores", defaultValue = "2")
  int cores;

  @Option(names = "--work", defaultValue = "target/bench")
  Path work;

  @Option(
      names = "--input",
      description = "a folder of photos to repeat (default: ../shared/fixtures COCO photos)")
  Path input;

  @Option(names = "--synthetic", description = "synthetic COCO-sized scenes instead of photos")
  boolean synthetic;

  @Option(names = "--no-peers", description = "skip the peer programs")
  boolean noPeers;

  @Option(names = "--store", defaultValue = "local", description = "local (default) or s3a")
  String store;

  @Option(
      names = "--latency-ms",
      defaultValue = "20",
      description = "with --store s3a: added to every request in the slow runs")
  long latencyMs;

  @Option(names = "--big-jpeg", description = "peak memory classifying one very large JPEG")
  boolean bigJpeg;

  @Option(names = "--big-size", defaultValue = "20000x15000", description = "WxH of --big-jpeg")
  String bigSize;

  @Option(
      names = "--memory-images",
      defaultValue = "0",
      description = "one run over this many photos, sampling resident memory")
  int memoryImages;

  @Option(
      names = "--apis",
      description = "compare the job, the pipeline stage and the SQL function")
  boolean apis;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ThroughputBenchmark()).execute(args));
  }

  private Path projectRoot() {
    String home = System.getenv("MNV2_HOME");
    return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
  }

  private Path photoSource() throws IOException {
    if (synthetic) {
      return cocoSizedJpegs(work.resolve("synthetic-64"), 64);
    }
    Path source =
        input != null
            ? input
            : projectRoot().resolve("../shared/fixtures/coco/coco128-part1/images").normalize();
    if (!Files.isDirectory(source)) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "no photos at " + source + "; pass --input DIR or --synthetic");
    }
    return source;
  }

  private Path photos(int n) throws IOException {
    return BenchPhotos.repeated(
        photoSource(), work.resolve((synthetic ? "synth-" : "photos-") + n), n);
  }

  @Override
  public Integer call() throws Exception {
    ModelSpec spec = model.loadEarly(DEFAULT_MODEL, null);
    JobSettings settings = JobSettings.of(Map.of(), null);
    if (apis) {
      Path jpegs = photos(images);
      int batch = conf(settings, jpegs.toString(), "run", spec).batchSize();
      return new ApiComparison(spec, model.name(DEFAULT_MODEL), jpegs, cores, batch, work, rounds)
          .run();
    }
    if (bigJpeg) {
      return bigJpeg(spec);
    }
    if (!store.equals("local") && !store.equals("s3a")) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--store must be local or s3a, not " + store);
    }
    Path small = photos(images);
    Path large = memoryImages > 0 ? photos(memoryImages) : photos(largeImages);
    int batch = conf(settings, small.toString(), "run", spec).batchSize();
    double inferenceOnly = memoryImages > 0 ? 0 : inferenceOnly(spec, batch);

    LocalS3 s3 = null;
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[" + cores + "]")
            .appName("mnv2 bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1");
    String smallUri = small.toString();
    String largeUri = large.toString();
    try {
      if (store.equals("s3a")) {
        s3 = LocalS3.start(work.resolve("s3"), "bench-loopback-only", "bench");
        for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
          builder.config("spark.hadoop." + e.getKey(), e.getValue());
        }
      }
      SparkSession spark = builder.getOrCreate();
      try {
        if (s3 != null) {
          smallUri = upload(spark, small, images);
          largeUri = upload(spark, large, memoryImages > 0 ? memoryImages : largeImages);
        }
        if (memoryImages > 0) {
          return memory(spark, settings, spec, largeUri);
        }
        InferenceRun.predict(spark, conf(settings, smallUri, "warmup", spec)); // JIT, session
        return rounds(spark, settings, spec, s3, smallUri, largeUri, batch, inferenceOnly);
      } finally {
        spark.stop();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /**
   * Copies {@code images} (a local folder) to the loopback bucket, replacing what a previous run
   * left there; returns its URI.
   */
  private String upload(SparkSession spark, Path images, int n) throws IOException {
    String uri = "s3a://bench/photos-" + n + "/images";
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.FileSystem fs =
        org.apache.hadoop.fs.FileSystem.get(java.net.URI.create(uri), conf);
    // The bucket's folder survives in --work between runs; copying a folder onto an existing one
    // nests it inside (photos-512/images/photos-512), which would double the images read.
    fs.delete(new org.apache.hadoop.fs.Path(uri), true);
    long start = System.nanoTime();
    fs.copyFromLocalFile(
        false,
        true,
        new org.apache.hadoop.fs.Path(images.toUri()),
        new org.apache.hadoop.fs.Path(uri));
    System.out.printf(
        Locale.ROOT,
        "uploaded %d photos to %s in %.1f s%n",
        n,
        uri,
        (System.nanoTime() - start) / 1e9);
    return uri;
  }

  /** One measured pipeline run: its summary and its peak resident memory. */
  private record Measured(RunSummary summary, long peakKb) {}

  private Measured measure(SparkSession spark, JobSettings settings, ModelSpec spec, String uri)
      throws Exception {
    System.gc();
    boolean reset = Resident.resetPeak();
    RunSummary summary = InferenceRun.predict(spark, conf(settings, uri, "run", spec));
    return new Measured(summary, reset ? Resident.peakKb() : -1);
  }

  private int rounds(
      SparkSession spark,
      JobSettings settings,
      ModelSpec spec,
      LocalS3 s3,
      String smallUri,
      String largeUri,
      int batch,
      double inferenceOnly)
      throws Exception {
    Peers peers = Peers.standard(projectRoot());
    String peersMissing = noPeers ? "--no-peers" : peers.missing();
    Path modelFile = localModel(spec);
    boolean fp32Peer =
        modelFile != null && modelFile.equals(peers.fp32Model().toAbsolutePath().normalize());
    long[] latencies = s3 == null ? new long[] {0} : new long[] {0, latencyMs};
    List<List<Double>> marginal = new ArrayList<>();
    for (int i = 0; i < latencies.length; i++) {
      marginal.add(new ArrayList<>());
    }
    List<Double> ortNode = new ArrayList<>();
    List<Double> torch = new ArrayList<>();
    Measured last = null;
    for (int r = 1; r <= rounds; r++) {
      StringBuilder line = new StringBuilder("round " + r + ":");
      for (int i = 0; i < latencies.length; i++) {
        if (s3 != null) {
          long ms = latencies[i];
          s3.link().delay(request -> true, ms);
        }
        Measured a = measure(spark, settings, spec, smallUri);
        Measured b = measure(spark, settings, spec, largeUri);
        double m = (largeImages - images) / (b.summary().wallSeconds() - a.summary().wallSeconds());
        marginal.get(i).add(m);
        line.append(
            String.format(
                Locale.ROOT,
                " %s%d: %.2f s, %d: %.2f s -> %.1f images/s;",
                s3 == null ? "" : "s3a+" + latencies[i] + "ms ",
                images,
                a.summary().wallSeconds(),
                largeImages,
                b.summary().wallSeconds(),
                m));
        last = i == 0 ? b : last;
      }
      if (s3 != null) {
        s3.link().delay(request -> false, 0);
      }
      if (peersMissing == null && modelFile != null) {
        peers.ortNode(modelFile, cores, batch).ifPresent(ortNode::add);
        line.append(" ort-node ").append(last(ortNode));
        if (fp32Peer) {
          peers.torch(cores, 1, batch).ifPresent(torch::add);
          line.append(", torch ").append(last(torch));
        }
      }
      System.out.println(line);
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "model %s (%s), %s photos (%s), %d cores, batch %d, read-ahead %s, decode threads %s,"
            + " 1 ORT thread per task, %d rounds%n",
        spec.name(),
        spec.uri(),
        synthetic ? "synthetic" : "real",
        s3 == null ? "local files" : "s3a://, loopback s3proxy",
        cores,
        batch,
        conf(settings, smallUri, "run", spec).readAhead().readAhead(),
        conf(settings, smallUri, "run", spec).readAhead().decodeThreads(),
        rounds);
    double b = median(marginal.get(0));
    System.out.printf(
        Locale.ROOT, "(a) ONNX Runtime alone:         %8.1f images/s%n", inferenceOnly);
    System.out.printf(
        Locale.ROOT,
        "(b) pipeline, marginal:         %8.1f images/s (median; runs %s)%n",
        b,
        rates(marginal.get(0)));
    System.out.printf(Locale.ROOT, "(b)/(a):                        %8.2f%n", b / inferenceOnly);
    if (s3 != null) {
      double slow = median(marginal.get(1));
      System.out.printf(
          Locale.ROOT,
          "s3a +%d ms per request:         %8.1f images/s (runs %s); against s3a without: %.2f%n",
          latencyMs,
          slow,
          rates(marginal.get(1)),
          slow / b);
    }
    if (peersMissing != null || modelFile == null) {
      System.out.println(
          "peers: not run ("
              + (modelFile == null ? "the model is not a local file" : peersMissing)
              + ")");
    } else {
      peerLine(
          "plain ONNX Runtime program", peers.ortNodeCommand(modelFile, cores, batch), ortNode, b);
      if (fp32Peer) {
        peerLine("PyTorch eager", peers.torchCommand(cores, 1, batch), torch, b);
      } else {
        System.out.println(
            "PyTorch eager: not run (fp32 only: --model-uri " + peers.fp32Model() + ")");
      }
    }
    stages(last.summary(), largeImages, conf(settings, smallUri, "run", spec).readAhead());
    System.out.printf(
        Locale.ROOT,
        "peak resident memory: %d MB during the last %d-image run; %d MB for this JVM in all%n",
        last.peakKb() / 1024,
        largeImages,
        Resident.peakKb() / 1024);
    return 0;
  }

  private static String last(List<Double> values) {
    return values.isEmpty()
        ? "failed"
        : String.format(Locale.ROOT, "%.1f", values.get(values.size() - 1));
  }

  private static void peerLine(String name, String command, List<Double> rates, double pipeline) {
    if (rates.isEmpty()) {
      System.out.println(name + ": failed (see above)");
      return;
    }
    double m = median(rates);
    System.out.printf(
        Locale.ROOT,
        "%-31s %8.1f images/s (runs %s); pipeline/peer %.2f   [%s]%n",
        name + ":",
        m,
        rates(rates),
        pipeline / m,
        command);
  }

  private static String rates(List<Double> values) {
    return values.stream()
        .map(v -> String.format(Locale.ROOT, "%.1f", v))
        .collect(java.util.stream.Collectors.joining(" / "));
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0
        ? Double.NaN
        : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static Path localModel(ModelSpec spec) {
    java.net.URI uri = java.net.URI.create(spec.uri().toString());
    if (uri.getScheme() == null) {
      return Path.of(spec.uri().toString()).toAbsolutePath().normalize();
    }
    return uri.getScheme().equals("file") ? Path.of(uri).toAbsolutePath().normalize() : null;
  }

  private void stages(RunSummary p, int n, org.mnv2.udf.ReadAheadConf readAhead) {
    // With read-ahead, reads run on the task's reading threads, overlapping the task thread's work.
    boolean readsOverlap = readAhead.readAhead() > 0;
    long total =
        p.stageMillis().entrySet().stream()
            .filter(e -> !(readsOverlap && e.getKey().equals("read")))
            .mapToLong(Map.Entry::getValue)
            .sum();
    System.out.printf(
        Locale.ROOT,
        "task time by stage, last %d-image run (ms per image, summed over tasks; wall %.1f s x %d"
            + " cores = %.2f ms per image):%n",
        n,
        p.wallSeconds(),
        cores,
        p.wallSeconds() * cores * 1000 / n);
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(p.stageMillis()).entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-12s %6.2f  %s%n",
          e.getKey(),
          e.getValue() / (double) n,
          readsOverlap && e.getKey().equals("read")
              ? "(on the read-ahead threads, overlapping the rest)"
              : String.format(
                  Locale.ROOT,
                  "(%4.1f%% of the task threads' time)",
                  100.0 * e.getValue() / Math.max(1, total)));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-12s %6.2f  (Spark scheduling, Parquet writing, listing, idle cores)%n",
        "other",
        (p.wallSeconds() * cores * 1000 - total) / n);
    System.out.println("  JPEG decoders: " + p.jpegDecoders());
  }

  /** One run over many photos, sampling this JVM's resident memory and heap every 2 s. */
  private int memory(SparkSession spark, JobSettings settings, ModelSpec spec, String uri)
      throws Exception {
    List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    java.util.concurrent.ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rss-sampler");
              t.setDaemon(true);
              return t;
            });
    Runtime rt = Runtime.getRuntime();
    sampler.scheduleAtFixedRate(
        () ->
            samples.add(
                new long[] {
                  (System.nanoTime() - start) / 1_000_000_000L,
                  Resident.currentKb() / 1024,
                  (rt.totalMemory() - rt.freeMemory()) >> 20
                }),
        0,
        2,
        java.util.concurrent.TimeUnit.SECONDS);
    RunSummary run = InferenceRun.predict(spark, conf(settings, uri, "run", spec));
    sampler.shutdownNow();
    System.out.printf(
        Locale.ROOT,
        "%n%d photos in %.1f s (%.1f images/s), %d errors; resident memory while running:%n",
        run.images(),
        run.wallSeconds(),
        run.imagesPerSecond(),
        run.errors());
    List<long[]> copy = new ArrayList<>(samples);
    int step = Math.max(1, copy.size() / 12);
    for (int i = 0; i < copy.size(); i += step) {
      long[] s = copy.get(i);
      System.out.printf(Locale.ROOT, "  %5d s  RSS %5d MB  heap used %5d MB%n", s[0], s[1], s[2]);
    }
    int third = Math.max(1, copy.size() / 3);
    long early = copy.subList(0, third).stream().mapToLong(s -> s[1]).max().orElse(-1);
    long late =
        copy.subList(copy.size() - third, copy.size()).stream()
            .mapToLong(s -> s[1])
            .max()
            .orElse(-1);
    System.out.printf(
        Locale.ROOT,
        "largest RSS in the first third %d MB, in the last third %d MB (%+d MB); peak %d MB%n",
        early,
        late,
        late - early,
        Resident.peakKb() / 1024);
    stages(
        run,
        run.images() > 0 ? (int) run.images() : 1,
        conf(settings, uri, "run", spec).readAhead());
    return 0;
  }

  /**
   * Peak resident memory of a child JVM (this one's JVM options and class path) classifying one
   * very large JPEG, against the same child classifying one ordinary photo and an idle JVM.
   */
  private int bigJpeg(ModelSpec spec) throws Exception {
    String[] wh = bigSize.split("x");
    Path source = photoSource();
    Path photo;
    try (Stream<Path> files = Files.list(source)) {
      photo = files.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
    }
    Path dir = work.resolve("big-jpeg");
    long made = System.nanoTime();
    Path big = BenchPhotos.big(photo, work, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
    System.out.printf(
        Locale.ROOT,
        "%s: %d bytes (%.1f s to make or find)%n",
        big,
        Files.size(big),
        (System.nanoTime() - made) / 1e9);
    Path bigIn = Files.createDirectories(dir.resolve("big"));
    Path oneIn = Files.createDirectories(dir.resolve("one"));
    Files.deleteIfExists(bigIn.resolve("big.jpg"));
    Files.deleteIfExists(oneIn.resolve("photo.jpg"));
    Files.createLink(bigIn.resolve("big.jpg"), big);
    Files.copy(photo, oneIn.resolve("photo.jpg"));
    long idle = child(List.of());
    long one = child(classify(spec, oneIn, dir.resolve("out-one")));
    long huge = child(classify(spec, bigIn, dir.resolve("out-big")));
    System.out.printf(Locale.ROOT, "peak resident memory (VmHWM) of a child JVM:%n");
    System.out.printf(Locale.ROOT, "  idle JVM (no work):              %6d MB%n", idle / 1024);
    System.out.printf(Locale.ROOT, "  classify one %s:  %6d MB%n", "640x480 photo", one / 1024);
    System.out.printf(Locale.ROOT, "  classify one %s JPEG: %6d MB%n", bigSize, huge / 1024);
    System.out.printf(
        Locale.ROOT,
        "the large JPEG costs %d MB above classifying one photo, %d MB above an idle JVM%n",
        (huge - one) / 1024,
        (huge - idle) / 1024);
    return 0;
  }

  private List<String> classify(ModelSpec spec, Path in, Path out) {
    List<String> args = new ArrayList<>(List.of("classify", "--master", "local[" + cores + "]"));
    args.addAll(
        List.of("--input", in.toString(), "--output", out.toString(), "--mode", "overwrite"));
    args.addAll(List.of("--model", model.name(DEFAULT_MODEL)));
    Path file = localModel(spec);
    if (file != null) {
      args.addAll(List.of("--model-uri", file.toString()));
    }
    return args;
  }

  /** Runs {@link Resident} in a child JVM with {@code args}; its peak resident set in kB. */
  private static long child(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Resident.class.getName()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    int rc = p.waitFor();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("peak-rss-kb (\\d+) exit (\\d+)").matcher(out);
    if (rc != 0 || !m.find()) {
      throw new IllegalStateException("child JVM " + args + " failed (exit " + rc + "):\n" + out);
    }
    return Long.parseLong(m.group(1));
  }

  private double inferenceOnly(ModelSpec spec, int batch) throws Exception {
    byte[] onnx = new LocalResources().read(spec.uri());
    try (OnnxSession session = OnnxSession.open(spec, onnx, SessionOptions.cpu(1))) {
      if (session.run(filled(spec, 1)).isEmpty()) {
        throw new IllegalStateException("model returned no outputs");
      }
      int batchSize = batch;
      try {
        session.run(filled(spec, batchSize));
      } catch (RuntimeException e) {
        batchSize = 1; // a model with a static batch of 1
      }
      inferenceOnly(session, spec, batchSize, Math.min(images, 128)); // warm-up
      return inferenceOnly(session, spec, batchSize, Math.max(images, 512));
    }
  }

  private InferenceConf conf(JobSettings settings, String images, String out, ModelSpec spec) {
    return runtime.conf(
        settings,
        images,
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
