package org.mnv2.synth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the files that index a generated set (docs/SYNTH.md, "Files written under DIR"): {@code
 * labels.csv}, {@code classes.txt}, {@code instances.json} and the VOC split list. Lines end in
 * {@code \n} on every platform, so the bytes are the same everywhere.
 */
final class IndexFiles {

  static final String LABELS_CSV = "labels.csv";
  static final String CLASSES_TXT = "classes.txt";
  static final String INSTANCES_JSON = "instances.json";
  static final String VOC_SPLIT = "voc/ImageSets/Segmentation/val.txt";
  static final String SUPERCATEGORY = "shape";

  private static final JsonFactory JSON = new JsonFactory();

  private IndexFiles() {}

  /** Writes every index file for {@code entries} (in index order); returns the annotation count. */
  static int write(Path outputDir, List<ImageEntry> entries) {
    writeLines(outputDir.resolve(CLASSES_TXT), SynthClass.names());
    writeLabels(outputDir.resolve(LABELS_CSV), entries);
    writeLines(outputDir.resolve(VOC_SPLIT), entries.stream().map(ImageEntry::id).toList());
    return writeInstances(outputDir.resolve(INSTANCES_JSON), entries);
  }

  private static void writeLabels(Path path, List<ImageEntry> entries) {
    try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      out.write("file,class_index,class_name\n");
      for (ImageEntry entry : entries) {
        SynthClass label = entry.objects().get(0).synthClass();
        out.write(
            SynthGenerator.IMAGES_DIR
                + "/"
                + entry.id()
                + ".jpg,"
                + label.index()
                + ","
                + label.name()
                + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  private static void writeLines(Path path, List<String> lines) {
    try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes the COCO instances file and returns the number of annotations. */
  private static int writeInstances(Path path, List<ImageEntry> entries) {
    int annotationId = 0;
    try (OutputStream stream = Files.newOutputStream(path);
        JsonGenerator json = JSON.createGenerator(stream, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeArrayFieldStart("images");
      for (ImageEntry entry : entries) {
        json.writeStartObject();
        json.writeNumberField("id", entry.cocoImageId());
        json.writeStringField("file_name", entry.id() + ".jpg");
        json.writeNumberField("width", entry.width());
        json.writeNumberField("height", entry.height());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("annotations");
      for (ImageEntry entry : entries) {
        for (SceneObject object : entry.objects()) {
          PixelBox box = object.box();
          json.writeStartObject();
          json.writeNumberField("id", ++annotationId);
          json.writeNumberField("image_id", entry.cocoImageId());
          json.writeNumberField("category_id", object.synthClass().cocoCategoryId());
          json.writeFieldName("bbox");
          json.writeArray(new int[] {box.x(), box.y(), box.width(), box.height()}, 0, 4);
          json.writeNumberField("area", object.area());
          json.writeNumberField("iscrowd", 0);
          json.writeEndObject();
        }
      }
      json.writeEndArray();
      json.writeArrayFieldStart("categories");
      for (SynthClass synthClass : SynthClass.all()) {
        json.writeStartObject();
        json.writeNumberField("id", synthClass.cocoCategoryId());
        json.writeStringField("name", synthClass.name());
        json.writeStringField("supercategory", SUPERCATEGORY);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
    }
    return annotationId;
  }
}
