package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;

/** Checks the files of a 200-image set against each other and against SYNTH.md. */
class SynthGeneratorTest {

  private static final int IMAGES = 200;
  private static final long SEED = 42L;
  // JPEG at quality 95 with 4:2:0 chroma moves a mean colour by a few levels; the sibling class
  // is 190 levels away on red and blue.
  private static final Offset<Integer> COLOUR_TOLERANCE = Offset.offset(16);

  @TempDir static Path dir;
  private static SynthSummary summary;
  private static JsonNode instances;
  private static Map<Integer, List<JsonNode>> annotationsByImage;

  @BeforeAll
  static void generateSet() throws IOException {
    summary = SynthGenerator.generate(dir.resolve("set"), IMAGES, SEED);
    instances = new ObjectMapper().readTree(dir.resolve("set/instances.json").toFile());
    annotationsByImage = new HashMap<>();
    for (JsonNode annotation : instances.get("annotations")) {
      annotationsByImage
          .computeIfAbsent(annotation.get("image_id").asInt(), id -> new ArrayList<>())
          .add(annotation);
    }
  }

  @Test
  void summaryCountsWhatWasWritten() {
    assertThat(summary.outputDir()).isEqualTo(dir.resolve("set"));
    assertThat(summary.images()).isEqualTo(IMAGES);
    assertThat(summary.seed()).isEqualTo(SEED);
    assertThat(summary.annotations()).isEqualTo(instances.get("annotations").size());
    assertThat(summary.annotations()).isBetween(IMAGES + 1, 5 * IMAGES);
  }

  @Test
  void writesTheLayoutOfSynthMd() throws IOException {
    Path set = dir.resolve("set");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      ids.add(String.format("%06d", i));
    }

    assertThat(Files.readString(set.resolve("classes.txt")))
        .isEqualTo(
            "red_disc\nblue_disc\nred_square\nblue_square\nyellow_triangle\ncyan_triangle\n");
    assertThat(Files.readAllLines(set.resolve("voc/ImageSets/Segmentation/val.txt")))
        .containsExactlyElementsOf(ids);
    try (Stream<Path> images = Files.list(set.resolve("images"))) {
      assertThat(images.map(p -> p.getFileName().toString()).sorted())
          .containsExactlyElementsOf(ids.stream().map(id -> id + ".jpg").toList());
    }
    for (String id : List.of("000000", "000123", "000199")) {
      assertThat(Files.readAllBytes(set.resolve("voc/JPEGImages/" + id + ".jpg")))
          .isEqualTo(Files.readAllBytes(set.resolve("images/" + id + ".jpg")));
      assertThat(set.resolve("voc/SegmentationClass/" + id + ".png")).isRegularFile();
    }
    assertThat(instances.get("categories").toString())
        .isEqualTo(
            "[{\"id\":2,\"name\":\"red_disc\",\"supercategory\":\"shape\"},"
                + "{\"id\":5,\"name\":\"blue_disc\",\"supercategory\":\"shape\"},"
                + "{\"id\":11,\"name\":\"red_square\",\"supercategory\":\"shape\"},"
                + "{\"id\":13,\"name\":\"blue_square\",\"supercategory\":\"shape\"},"
                + "{\"id\":37,\"name\":\"yellow_triangle\",\"supercategory\":\"shape\"},"
                + "{\"id\":90,\"name\":\"cyan_triangle\",\"supercategory\":\"shape\"}]");
  }

  @Test
  void imagesInInstancesJsonMatchTheJpegs() throws IOException {
    JsonNode images = instances.get("images");
    assertThat(images).hasSize(IMAGES);
    for (int i = 0; i < IMAGES; i += 37) {
      JsonNode image = images.get(i);
      BufferedImage jpeg = ImageIO.read(dir.resolve("set/images/" + imageId(i) + ".jpg").toFile());

      assertThat(image.get("id").asInt()).isEqualTo(i + 1);
      assertThat(image.get("file_name").asText()).isEqualTo(imageId(i) + ".jpg");
      assertThat(image.get("width").asInt()).isEqualTo(jpeg.getWidth()).isBetween(160, 400);
      assertThat(image.get("height").asInt()).isEqualTo(jpeg.getHeight()).isBetween(160, 400);
    }
  }

  @Test
  void annotationsHaveSequentialIdsAndNoSegmentation() {
    JsonNode annotations = instances.get("annotations");
    for (int k = 0; k < annotations.size(); k++) {
      JsonNode annotation = annotations.get(k);
      assertThat(annotation.get("id").asInt()).isEqualTo(k + 1);
      assertThat(annotation.get("iscrowd").asInt()).isZero();
      assertThat(annotation.has("segmentation")).isFalse();
    }
    assertThat(annotationsByImage).hasSize(IMAGES);
  }

  @Test
  void labelsCsvNamesThePrimaryObjectOfEachImage() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("set/labels.csv"));

    assertThat(lines).hasSize(IMAGES + 1);
    assertThat(lines.get(0)).isEqualTo("file,class_index,class_name");
    for (int i = 0; i < IMAGES; i++) {
      int image = i;
      String[] fields = lines.get(i + 1).split(",");
      List<JsonNode> annotations = annotationsByImage.get(i + 1);
      SynthClass label = SynthClass.of(Integer.parseInt(fields[1]));
      // The primary is the image's first annotation and has at least twice any other's area.
      int primaryArea = annotations.get(0).get("area").asInt();

      assertThat(fields[0]).isEqualTo("images/" + imageId(i) + ".jpg");
      assertThat(fields[2]).isEqualTo(label.name());
      assertThat(annotations.get(0).get("category_id").asInt())
          .as("image %d", i)
          .isEqualTo(label.cocoCategoryId());
      assertThat(annotations.subList(1, annotations.size()))
          .allSatisfy(
              other ->
                  assertThat(2 * other.get("area").asInt())
                      .as("image %d", image)
                      .isLessThanOrEqualTo(primaryArea));
    }
  }

  @Test
  void masksAgreeWithTheCocoBoxesAndAreas() throws IOException {
    for (int i = 0; i < IMAGES; i++) {
      LabelMask mask = readMask(i);
      Scene scene = SceneGenerator.generate(SEED, i);
      List<JsonNode> annotations = annotationsByImage.get(i + 1);

      // The written mask is the scene's, and the scene's objects are the annotations.
      assertThat(mask.labels()).as("image %d", i).isEqualTo(scene.vocLabels());
      assertThat(annotations).hasSameSizeAs(scene.objects());
      for (int k = 0; k < annotations.size(); k++) {
        JsonNode annotation = annotations.get(k);
        SceneObject object = scene.objects().get(k);
        PixelBox box = object.box();
        assertThat(annotation.get("bbox").toString())
            .isEqualTo(
                "[" + box.x() + "," + box.y() + "," + box.width() + "," + box.height() + "]");
        assertThat(annotation.get("area").asInt()).isEqualTo(object.area());
        assertThat(annotation.get("category_id").asInt())
            .isEqualTo(object.synthClass().cocoCategoryId());
      }
      // From the files alone: the object's class pixels lie in its box, and the 255 band can only
      // have hidden some of its pixels.
      List<MaskBox> boxes = annotations.stream().map(MaskBox::of).toList();
      for (MaskBox box : boxes) {
        int classPixels = 0;
        int classOrIgnore = 0;
        for (int y = box.box().y(); y < box.box().y() + box.box().height(); y++) {
          for (int x = box.box().x(); x < box.box().x() + box.box().width(); x++) {
            int label = mask.label(x, y);
            classPixels += label == box.vocIndex() ? 1 : 0;
            classOrIgnore += label == box.vocIndex() || label == 255 ? 1 : 0;
          }
        }
        assertThat(box.area()).as("image %d %s", i, box).isBetween(classPixels, classOrIgnore);
      }
      assertThat(classPixelsOutsideTheirBoxes(mask, boxes)).as("image %d", i).isEmpty();
    }
  }

  @Test
  void objectsSpanAllCocoAreaRangesAndSomeAreCutByTheBorder() {
    int small = 0;
    int medium = 0;
    int large = 0;
    int cut = 0;
    for (int i = 0; i < IMAGES; i++) {
      Scene scene = SceneGenerator.generate(SEED, i);
      for (JsonNode annotation : annotationsByImage.get(i + 1)) {
        int area = annotation.get("area").asInt();
        if (area < 32 * 32) {
          small++;
        } else if (area < 96 * 96) {
          medium++;
        } else {
          large++;
        }
      }
      for (SceneObject object : scene.objects()) {
        if (object.geometry().isCutBy(scene.width(), scene.height())
            && object.box().touchesEdge(scene.width(), scene.height())) {
          cut++;
        }
      }
    }
    int total = summary.annotations();

    assertThat(small).as("small objects").isGreaterThan(total / 10);
    assertThat(medium).as("medium objects").isGreaterThan(total / 10);
    assertThat(large).as("large objects").isGreaterThan(total / 50);
    assertThat(cut).as("objects cut by the border").isGreaterThan(total / 20);
  }

  @Test
  void primaryObjectsKeepTheirClassColourThroughJpeg() throws IOException {
    // End to end channel order: the mean decoded colour of the primary's unambiguous (non-band)
    // pixels is its class colour, not the RGB/BGR-swapped colour of its sibling class.
    for (int i = 0; i < IMAGES; i += 13) {
      BufferedImage jpeg = ImageIO.read(dir.resolve("set/images/" + imageId(i) + ".jpg").toFile());
      LabelMask mask = readMask(i);
      JsonNode primary = annotationsByImage.get(i + 1).get(0);
      int vocIndex = vocIndexOfCategory(primary.get("category_id").asInt());
      SynthClass synthClass = SynthClass.of(vocIndex - 1);
      long[] sum = new long[3];
      int count = 0;
      for (int y = 0; y < mask.height(); y++) {
        for (int x = 0; x < mask.width(); x++) {
          if (mask.label(x, y) == vocIndex) {
            int rgb = jpeg.getRGB(x, y);
            sum[0] += (rgb >> 16) & 0xFF;
            sum[1] += (rgb >> 8) & 0xFF;
            sum[2] += rgb & 0xFF;
            count++;
          }
        }
      }

      assertThat(count).as("image %d", i).isPositive();
      assertThat((int) (sum[0] / count))
          .as("image %d red", i)
          .isCloseTo(synthClass.red(), COLOUR_TOLERANCE);
      assertThat((int) (sum[1] / count))
          .as("image %d green", i)
          .isCloseTo(synthClass.green(), COLOUR_TOLERANCE);
      assertThat((int) (sum[2] / count))
          .as("image %d blue", i)
          .isCloseTo(synthClass.blue(), COLOUR_TOLERANCE);
    }
  }

  @Test
  void sameSeedGivesTheSameBytesWhateverTheThreadCount() throws Exception {
    Path common = dir.resolve("common-pool");
    Path single = dir.resolve("one-thread");
    SynthGenerator.generate(common, 24, 7L);
    ForkJoinPool oneThread = new ForkJoinPool(1);
    try {
      oneThread.submit(() -> SynthGenerator.generate(single, 24, 7L)).get();
    } finally {
      oneThread.shutdown();
    }

    List<Path> files = listFiles(common);
    assertThat(files).hasSize(3 * 24 + 4);
    assertThat(listFiles(single)).isEqualTo(files);
    for (Path file : files) {
      assertThat(Files.readAllBytes(single.resolve(file)))
          .as(file.toString())
          .isEqualTo(Files.readAllBytes(common.resolve(file)));
    }
  }

  @Test
  void aSmallerSetIsAPrefixOfALargerOne() throws IOException {
    Path small = dir.resolve("prefix");
    SynthGenerator.generate(small, 5, SEED);

    for (int i = 0; i < 5; i++) {
      assertThat(Files.readAllBytes(small.resolve("images/" + imageId(i) + ".jpg")))
          .isEqualTo(Files.readAllBytes(dir.resolve("set/images/" + imageId(i) + ".jpg")));
    }
    assertThat(Files.readString(small.resolve("labels.csv"), StandardCharsets.UTF_8))
        .isEqualTo(
            String.join("\n", Files.readAllLines(dir.resolve("set/labels.csv")).subList(0, 6))
                + "\n");
  }

  @Test
  void rejectsAnImageCountOutOfRange() {
    Path target = dir.resolve("empty");

    assertThatThrownBy(() -> SynthGenerator.generate(target, 0, SEED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot generate synthetic set in "
                + target
                + ": image count out of range (expected 1..1000000, got 0)");
    assertThat(target).doesNotExist();
  }

  private static LabelMask readMask(int index) throws IOException {
    String name = "voc/SegmentationClass/" + imageId(index) + ".png";
    return PaletteMasks.decode(Files.readAllBytes(dir.resolve("set").resolve(name)), name);
  }

  /** An annotation as the mask checks need it: VOC label, box and area. */
  private record MaskBox(int vocIndex, PixelBox box, int area) {
    static MaskBox of(JsonNode annotation) {
      return new MaskBox(
          vocIndexOfCategory(annotation.get("category_id").asInt()),
          SynthGeneratorTest.box(annotation),
          annotation.get("area").asInt());
    }
  }

  /** Returns "(x, y)=label" for the first few class pixels outside every box of their class. */
  private static List<String> classPixelsOutsideTheirBoxes(LabelMask mask, List<MaskBox> boxes) {
    List<String> outside = new ArrayList<>();
    byte[] labels = mask.labels();
    for (int y = 0; y < mask.height() && outside.size() < 5; y++) {
      for (int x = 0; x < mask.width(); x++) {
        int label = labels[y * mask.width() + x] & 0xFF;
        if (label != 0 && label != 255 && !isInABoxOfItsClass(boxes, x, y, label)) {
          outside.add("(" + x + ", " + y + ")=" + label);
        }
      }
    }
    return outside;
  }

  private static boolean isInABoxOfItsClass(List<MaskBox> boxes, int x, int y, int label) {
    for (MaskBox box : boxes) {
      if (box.vocIndex() == label && box.box().contains(x, y)) {
        return true;
      }
    }
    return false;
  }

  private static PixelBox box(JsonNode annotation) {
    JsonNode bbox = annotation.get("bbox");
    return new PixelBox(
        bbox.get(0).asInt(), bbox.get(1).asInt(), bbox.get(2).asInt(), bbox.get(3).asInt());
  }

  private static int vocIndexOfCategory(int categoryId) {
    return SynthClass.all().stream()
        .filter(c -> c.cocoCategoryId() == categoryId)
        .findFirst()
        .orElseThrow()
        .vocIndex();
  }

  private static String imageId(int index) {
    return String.format("%06d", index);
  }

  private static List<Path> listFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
