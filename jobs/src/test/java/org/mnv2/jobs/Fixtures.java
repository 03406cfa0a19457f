package org.mnv2.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/** Shipped specs and the shared fixtures' reference tables. */
final class Fixtures {
  private Fixtures() {}

  /** A shipped spec from conf/models, optionally with another ONNX file. */
  static ModelSpec spec(String name, Path onnx) {
    return new ModelSpecLoader(new LocalResources())
        .load(name, onnx == null ? null : onnx.toString());
  }

  /**
   * One row of fixtures/imagenet/labels.csv: the ground truth and the top-1 of the int8 Model Zoo
   * model recorded on two kinds of CPU (AVX2 kernels, and VNNI kernels, which avoid the AVX2
   * kernels' 16-bit intermediate saturation and so answer differently near a decision boundary).
   */
  record ImagenetLabel(String file, int truth, int referenceTop1, int referenceTop1Vnni) {
    /** Whether {@code top1} is the recorded reference of either CPU kind. */
    boolean matchesAReference(int top1) {
      return top1 == referenceTop1 || top1 == referenceTop1Vnni;
    }
  }

  /** labels.csv read by header name, so that added columns never shift the ones used here. */
  static Map<String, ImagenetLabel> imagenetLabels(Path csv) {
    try {
      List<String> lines = Files.readAllLines(csv);
      List<String> header = List.of(lines.get(0).split(","));
      int file = column(header, "file", csv);
      int truth = column(header, "imagenet_index", csv);
      int reference = column(header, "reference_top1", csv);
      int vnni = column(header, "reference_top1_vnni", csv);
      Map<String, ImagenetLabel> out = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        out.put(
            f[file],
            new ImagenetLabel(
                f[file],
                Integer.parseInt(f[truth]),
                Integer.parseInt(f[reference]),
                Integer.parseInt(f[vnni])));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int column(List<String> header, String name, Path csv) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new IllegalStateException(
          "Cannot read " + csv + ": no column " + name + " (columns " + header + ")");
    }
    return index;
  }
}
