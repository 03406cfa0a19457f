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
    System.setProperty(
        "mnv2.models.dir", SparkTestBase.projectRoot().resolve("conf/models").toString());
    return new ModelSpecLoader(new LocalResources())
        .load(name, onnx == null ? null : onnx.toString());
  }

  /** One row of fixtures/imagenet/labels.csv. */
  record ImagenetLabel(String file, int truth, int referenceTop1) {}

  static Map<String, ImagenetLabel> imagenetLabels(Path csv) {
    try {
      List<String> lines = Files.readAllLines(csv);
      Map<String, ImagenetLabel> out = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        out.put(f[0], new ImagenetLabel(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[3])));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
