package org.mnv2.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mnv2.model.UsageException;

/**
 * Finds and parses model specs. {@code --model NAME} looks for {@code NAME.yaml} in the models
 * folder ({@code $MNV2_HOME/conf/models}, system property {@code mnv2.models.dir}, or {@code
 * conf/models} under the working directory), then on the class path under {@code models/} (the
 * shaded job jar carries the shipped specs); anything with a slash or a .yaml/.yml ending is a path
 * or URI of a spec file.
 */
public final class ModelSpecLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final ResourceReader reader;

  public ModelSpecLoader(ResourceReader reader) {
    this.reader = reader;
  }

  /**
   * A spec file's text and where it was found (its relative file names resolve against {@code
   * location}; see {@link #parse}).
   */
  public record Source(String location, String text) {}

  /** Loads a spec by name or location; {@code uriOverride} (nullable) replaces its {@code uri}. */
  public ModelSpec load(String nameOrLocation, String uriOverride) {
    Source source = source(nameOrLocation);
    ModelSpec spec = parse(source.text(), source.location());
    return uriOverride == null ? spec : spec.withUri(uriOverride);
  }

  /** Finds and reads a spec by name or location, without parsing it. */
  public Source source(String nameOrLocation) {
    String location = locate(nameOrLocation);
    byte[] bytes;
    try {
      bytes = reader.read(location);
    } catch (IOException e) {
      throw new UsageException("Cannot read model spec " + location + ": " + e.getMessage(), e);
    }
    return new Source(location, new String(bytes, StandardCharsets.UTF_8));
  }

  String locate(String nameOrLocation) {
    if (nameOrLocation == null || nameOrLocation.isBlank()) {
      throw new UsageException("Cannot find model spec: --model is empty");
    }
    boolean looksLikePath =
        nameOrLocation.contains("/")
            || nameOrLocation.endsWith(".yaml")
            || nameOrLocation.endsWith(".yml");
    if (looksLikePath) {
      if (!reader.exists(nameOrLocation)) {
        throw new UsageException(
            "Cannot find model spec: no file at "
                + nameOrLocation
                + " (expected a spec YAML file)");
      }
      return nameOrLocation;
    }
    Path dir = modelsDir();
    Path file = dir.resolve(nameOrLocation + ".yaml");
    if (Files.isRegularFile(file)) {
      return file.toAbsolutePath().toString();
    }
    String resource = LocalResources.CLASSPATH + "models/" + nameOrLocation + ".yaml";
    if (reader.exists(resource)) {
      return resource;
    }
    throw new UsageException(
        "Cannot find model spec '"
            + nameOrLocation
            + "' (expected one of "
            + shippedNames(dir)
            + ", or a path to a spec file)");
  }

  /** The folder of shipped specs. */
  public static Path modelsDir() {
    String dir = System.getProperty("mnv2.models.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    String home = System.getenv("MNV2_HOME");
    if (home != null) {
      return Path.of(home, "conf", "models");
    }
    return Path.of("conf", "models");
  }

  private static List<String> shippedNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Parses spec text; relative file names inside it resolve against {@code location}. */
  public ModelSpec parse(String yaml, String location) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UsageException(
          "Cannot read model spec "
              + location
              + ": not valid YAML ("
              + e.getMessage().lines().findFirst().orElse("")
              + ")",
          e);
    }
    if (root == null || !root.isObject()) {
      throw new UsageException(
          "Cannot read model spec " + location + ": expected a YAML mapping at the top level");
    }
    try {
      return build(root, location);
    } catch (UsageException e) {
      throw new UsageException(e.getMessage() + " [" + location + "]", e);
    }
  }

  private ModelSpec build(JsonNode root, String location) {
    String name = text(root, "name", null);
    if (name == null) {
      throw new UsageException("Cannot read model spec: missing 'name'");
    }
    Task task = Task.parse(text(root, "task", null));
    String uri = text(root, "uri", null);
    if (uri == null) {
      throw new UsageException("Cannot read model spec: missing 'uri' (the ONNX file)");
    }
    String sha = text(root, "sha256", null);
    InputSpec input = input(node(root, "input"));
    OutputSpec output = output(node(root, "output"), location);
    Labels labels = labels(root.get("labels"), location);
    return new ModelSpec(
        name,
        task,
        resolve(location, uri),
        sha == null ? null : sha.toLowerCase(),
        input,
        output,
        labels);
  }

  private static InputSpec input(JsonNode in) {
    InputSpec.ResizeMode resize =
        Enums.parse(InputSpec.ResizeMode.class, "input.resize", text(in, "resize", "stretch"));
    int width = in.path("width").asInt(0);
    int height = in.path("height").asInt(0);
    return new InputSpec(
        text(in, "name", null),
        Enums.parse(InputSpec.Layout.class, "input.layout", text(in, "layout", "NCHW")),
        Enums.parse(InputSpec.DType.class, "input.dtype", text(in, "dtype", "float32")),
        width,
        height,
        resize,
        in.path("resize_shorter").asInt(Math.max(width, height)),
        Enums.parse(
            InputSpec.Interpolation.class,
            "input.interpolation",
            text(in, "interpolation", "bilinear-antialias")),
        Enums.parse(
            InputSpec.LetterboxAlign.class,
            "input.letterbox_align",
            text(in, "letterbox_align", "top-left")),
        in.path("letterbox_pad").asInt(114),
        Enums.parse(InputSpec.ChannelOrder.class, "input.channels", text(in, "channels", "RGB")),
        (float) in.path("scale").asDouble(1.0 / 255.0),
        floats(in, "mean", new float[] {0, 0, 0}),
        floats(in, "std", new float[] {1, 1, 1}),
        Enums.parse(InputSpec.Decode.class, "input.decode", text(in, "decode", "exact")));
  }

  private OutputSpec output(JsonNode out, String location) {
    Map<String, Object> fields = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = out.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("type") && !e.getKey().equals(OutputSpec.ANCHORS_FILE_ROWS)) {
        fields.put(e.getKey(), plain(e.getValue()));
      }
    }
    JsonNode anchorsFile = out.get("anchors_file");
    if (anchorsFile != null) {
      if (!anchorsFile.isTextual()) {
        throw new UsageException(
            "Cannot read model spec: output.anchors_file must be a file name (got '"
                + anchorsFile
                + "')");
      }
      String file = resolve(location, anchorsFile.asText());
      fields.put("anchors_file", file);
      fields.put(OutputSpec.ANCHORS_FILE_ROWS, numberRows(file));
    }
    return new OutputSpec(text(out, "type", null), fields);
  }

  /**
   * A text file of numbers, one row per line (separated by commas and/or blanks; blank lines and
   * lines starting with # skipped).
   */
  private List<List<Double>> numberRows(String file) {
    String text;
    try {
      text = new String(reader.read(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException(
          "Cannot read model spec: anchors file "
              + file
              + " is unreadable ("
              + e.getMessage()
              + ")",
          e);
    }
    List<List<Double>> rows = new ArrayList<>();
    int lineNumber = 0;
    for (String line : text.lines().toList()) {
      lineNumber++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      List<Double> row = new ArrayList<>();
      for (String token : l.split("[,\\s]+")) {
        try {
          row.add(Double.parseDouble(token));
        } catch (NumberFormatException e) {
          throw new UsageException(
              "Cannot read model spec: anchors file "
                  + file
                  + " line "
                  + lineNumber
                  + " holds '"
                  + token
                  + "' (expected numbers)",
              e);
        }
      }
      rows.add(row);
    }
    return rows;
  }

  private Labels labels(JsonNode node, String location) {
    if (node == null || node.isNull()) {
      return new Labels(List.of(), null);
    }
    List<String> names = new ArrayList<>();
    if (node.has("file")) {
      String file = resolve(location, node.get("file").asText());
      try {
        String text = new String(reader.read(file), StandardCharsets.UTF_8);
        text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(names::add);
      } catch (IOException e) {
        throw new UsageException(
            "Cannot read model spec: labels file "
                + file
                + " is unreadable ("
                + e.getMessage()
                + ")",
            e);
      }
    } else if (node.has("list")) {
      node.get("list").forEach(n -> names.add(n.asText()));
    }
    int[] ids = null;
    if (node.has("category_ids")) {
      JsonNode idsNode = node.get("category_ids");
      ids = new int[idsNode.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = idsNode.get(i).asInt();
      }
    }
    return new Labels(names, ids);
  }

  /** Resolves a file named in a spec against the spec's own location. */
  static String resolve(String specLocation, String uri) {
    boolean absolute = uri.startsWith("/") || uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    if (absolute) {
      return uri;
    }
    int slash = specLocation.lastIndexOf('/');
    if (slash < 0) {
      int colon = specLocation.indexOf(':');
      return colon < 0 ? uri : specLocation.substring(0, colon + 1) + uri;
    }
    return specLocation.substring(0, slash + 1) + uri;
  }

  private static JsonNode node(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new UsageException("Cannot read model spec: missing '" + field + "' section");
    }
    return node;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : value.asText();
  }

  private static float[] floats(JsonNode node, String field, float[] fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isArray()) {
      throw new UsageException("Cannot read model spec: input." + field + " must be a list");
    }
    float[] out = new float[value.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) value.get(i).asDouble();
    }
    return out;
  }

  private static Object plain(JsonNode node) {
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(plain(n)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.isNull() ? null : node.asText();
  }
}
