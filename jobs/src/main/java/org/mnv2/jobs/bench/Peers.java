package org.mnv2.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The programs a user would write instead (../shared/peers), run as child processes on the same
 * photos: a plain ONNX Runtime program (Node binding + libvips) and PyTorch eager (PIL +
 * DataLoader). They are installed outside the repository by {@code scripts/install-peers} into
 * {@code home} (default ~/.cache/mnv2-peers): node_modules with onnxruntime-node and sharp, and
 * {@code inputs/} made by make_inputs.py (512 photos, the fp32 model as ONNX and as PyTorch
 * weights). Each peer prints images/s after a warm-up batch; absent peers are reported, not run.
 */
final class Peers {
  private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) images/s");

  private final Path scripts;
  private final Path home;

  Peers(Path scripts, Path home) {
    this.scripts = scripts;
    this.home = home;
  }

  static Peers standard(Path projectRoot) {
    String configured = System.getenv("MNV2_PEERS");
    Path home =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.home"), ".cache", "mnv2-peers");
    return new Peers(projectRoot.resolve("../shared/peers").normalize(), home);
  }

  /** The folder make_inputs.py filled: images/, mobilenetv2-fp32.onnx, mobilenetv2-fp32.pt. */
  Path inputs() {
    return home.resolve("inputs");
  }

  Path fp32Model() {
    return inputs().resolve("mobilenetv2-fp32.onnx");
  }

  /** Why the peers cannot run, or null when they can. */
  String missing() {
    if (!Files.isRegularFile(scripts.resolve("ort_node_e2e.mjs"))) {
      return "no peer programs in " + scripts;
    }
    if (!Files.isDirectory(home.resolve("node_modules/onnxruntime-node"))) {
      return "onnxruntime-node is not installed in " + home + " (run scripts/install-peers)";
    }
    if (!Files.isRegularFile(inputs().resolve("mobilenetv2-fp32.pt"))) {
      return "no peer inputs in " + inputs() + " (run scripts/install-peers)";
    }
    return null;
  }

  String ortNodeCommand(Path model, int threads, int batch) {
    return "node ort_node_e2e.mjs " + inputs() + " " + model + " " + threads + " " + batch;
  }

  String torchCommand(int threads, int workers, int batch) {
    return "python3 torch_e2e.py " + inputs() + " " + threads + " " + workers + " " + batch;
  }

  /** The plain ONNX Runtime program on the peers' photos with {@code model}: images/s. */
  OptionalDouble ortNode(Path model, int threads, int batch) throws IOException {
    // ES modules resolve packages from the script's own folder: run a copy placed in home.
    Path script = home.resolve("ort_node_e2e.mjs");
    Files.copy(scripts.resolve("ort_node_e2e.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
    return run(
        List.of(
            "node",
            script.toString(),
            inputs().toString(),
            model.toString(),
            String.valueOf(threads),
            String.valueOf(batch)));
  }

  /** PyTorch eager, fp32, on the peers' photos: images/s. */
  OptionalDouble torch(int threads, int workers, int batch) throws IOException {
    return run(
        List.of(
            "/usr/bin/python3",
            scripts.resolve("torch_e2e.py").toString(),
            inputs().toString(),
            String.valueOf(threads),
            String.valueOf(workers),
            String.valueOf(batch)));
  }

  private OptionalDouble run(List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(home.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    Matcher m = RATE.matcher(out);
    if (p.exitValue() != 0 || !m.find()) {
      System.err.println("bench: peer " + String.join(" ", command) + " failed:\n" + out.strip());
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Double.parseDouble(m.group(1)));
  }
}
