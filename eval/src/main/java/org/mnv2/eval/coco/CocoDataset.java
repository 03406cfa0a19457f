package org.mnv2.eval.coco;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A COCO instances file reduced to what bbox evaluation reads: images, annotations (boxes, areas,
 * crowd flags) and categories, in file order. Serializable, so a Spark job can broadcast it.
 *
 * <p>Stricter than pycocotools, which accepts these silently and then evaluates something else than
 * the file says: duplicate image, category or annotation ids, and annotations naming an image or
 * category that the file does not list, are rejected with a {@link CocoFormatException}. Annotation
 * order matters and is kept: among ground truth with equal IoU, pycocotools matches the later one.
 */
public final class CocoDataset implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<CocoImage> images;
  private final List<CocoAnnotation> annotations;
  private final List<CocoCategory> categories;
  private final long[] imageIds;
  private final int[] categoryIds;
  private final Set<Long> imageIdSet;
  private final Map<Integer, CocoCategory> categoriesById;

  /**
   * @throws CocoFormatException on duplicate ids or an annotation naming an unknown image or
   *     category
   */
  public CocoDataset(
      List<CocoImage> images, List<CocoAnnotation> annotations, List<CocoCategory> categories) {
    this(images, annotations, categories, "create COCO dataset");
  }

  CocoDataset(
      List<CocoImage> images,
      List<CocoAnnotation> annotations,
      List<CocoCategory> categories,
      String action) {
    this.images = List.copyOf(images);
    this.annotations = List.copyOf(annotations);
    this.categories = List.copyOf(categories);
    this.imageIdSet = new HashSet<>();
    for (CocoImage image : this.images) {
      if (!imageIdSet.add(image.id())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": image id "
                + image.id()
                + " appears twice (expected unique ids)");
      }
    }
    this.categoriesById = new HashMap<>();
    for (CocoCategory category : this.categories) {
      if (categoriesById.put(category.id(), category) != null) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": category id "
                + category.id()
                + " appears twice (expected unique ids)");
      }
    }
    this.imageIds = imageIdSet.stream().mapToLong(Long::longValue).sorted().toArray();
    this.categoryIds =
        categoriesById.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    Set<Long> annotationIds = new HashSet<>();
    for (CocoAnnotation a : this.annotations) {
      if (!annotationIds.add(a.id())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": annotation id "
                + a.id()
                + " appears twice (expected unique ids)");
      }
      if (!imageIdSet.contains(a.imageId())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": annotation "
                + a.id()
                + " names image "
                + a.imageId()
                + ", which is not in images (expected one of "
                + imageIds.length
                + " image ids, got "
                + a.imageId()
                + ")");
      }
      if (!categoriesById.containsKey(a.categoryId())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": annotation "
                + a.id()
                + " names category "
                + a.categoryId()
                + ", which is not in categories (expected one of "
                + Arrays.toString(categoryIds)
                + ", got "
                + a.categoryId()
                + ")");
      }
    }
  }

  /**
   * Reads an instances JSON file.
   *
   * @throws CocoFormatException when the file is not a well-formed instances file
   * @throws UncheckedIOException when it cannot be read
   */
  public static CocoDataset read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("Cannot read COCO annotations " + path + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read COCO annotations " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads an instances JSON document from a stream (not closed here).
   *
   * @param source the name used in error messages, typically the file's URI
   */
  public static CocoDataset read(InputStream in, String source) {
    return CocoDatasetReader.read(in, source);
  }

  public List<CocoImage> images() {
    return images;
  }

  /** All annotations, in file order. */
  public List<CocoAnnotation> annotations() {
    return annotations;
  }

  public List<CocoCategory> categories() {
    return categories;
  }

  /** Image ids, ascending: pycocotools' {@code params.imgIds}. */
  public long[] imageIds() {
    return imageIds.clone();
  }

  /** Category ids, ascending: pycocotools' {@code params.catIds}. */
  public int[] categoryIds() {
    return categoryIds.clone();
  }

  public boolean containsImage(long imageId) {
    return imageIdSet.contains(imageId);
  }

  public Optional<CocoCategory> category(int categoryId) {
    return Optional.ofNullable(categoriesById.get(categoryId));
  }

  /**
   * The checks of pycocotools' {@code COCO.loadRes} for bbox results, with a message instead of an
   * assertion: the list is not empty (pycocotools fails on {@code anns[0]}), and every detection
   * names an image of this dataset. Unlike pycocotools, which silently drops detections of a
   * category the ground truth does not list, an unknown category is an error here: it almost always
   * means class indices were written where COCO category ids belong.
   *
   * @throws CocoFormatException naming the first offending detection by its position
   */
  public void checkDetections(List<CocoDetection> detections) {
    String action = "evaluate detections against the ground truth";
    if (detections.isEmpty()) {
      throw new CocoFormatException(
          "Cannot "
              + action
              + ": the results list is empty (expected at least one detection, got 0)");
    }
    for (int i = 0; i < detections.size(); i++) {
      CocoDetection d = detections.get(i);
      if (!imageIdSet.contains(d.imageId())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": results["
                + i
                + "] names image "
                + d.imageId()
                + ", which the annotations do not have; results do not correspond to the"
                + " ground-truth set (expected one of "
                + imageIds.length
                + " image ids, got "
                + d.imageId()
                + ")");
      }
      if (!categoriesById.containsKey(d.categoryId())) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": results["
                + i
                + "] names category "
                + d.categoryId()
                + ", which the annotations do not have (expected one of "
                + Arrays.toString(categoryIds)
                + ", got "
                + d.categoryId()
                + ")");
      }
    }
  }
}
