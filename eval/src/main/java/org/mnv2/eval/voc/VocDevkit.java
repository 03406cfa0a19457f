package org.mnv2.eval.voc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the segmentation side of a VOCdevkit-style tree: {@code ImageSets/Segmentation/<split>.txt}
 * (one image id per line), {@code JPEGImages/<id>.jpg} and {@code SegmentationClass/<id>.png}, and
 * checks that every listed file exists before any work starts, naming the first missing one.
 *
 * <p>A tree without an {@code ImageSets/Segmentation} folder (sample trees, such as the shared
 * fixtures, often have none) is read as one split of every mask in {@code SegmentationClass}, but
 * only when no split was asked for: an explicit split always needs its list file.
 */
public final class VocDevkit {
  static final String IMAGES = "JPEGImages";
  static final String MASKS = "SegmentationClass";
  static final String LISTS = "ImageSets/Segmentation";

  /** The split used when none is given. */
  public static final String DEFAULT_SPLIT = "val";

  private VocDevkit() {}

  /**
   * Opens a split and checks that its ground-truth masks exist.
   *
   * @param split the split name, or null for {@value #DEFAULT_SPLIT} (or every mask when the tree
   *     has no ImageSets/Segmentation)
   * @throws VocFormatException naming the missing list file or mask
   */
  public static VocSplit open(VocFiles files, String root, String split) {
    String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    try {
      if (!files.exists(base)) {
        throw new VocFormatException(
            "Cannot read VOC tree "
                + base
                + ": no such directory (expected a VOCdevkit-style tree)");
      }
      VocSplit opened = readIds(files, base, split);
      requireAll(files, opened, base + "/" + MASKS, ".png", "ground-truth mask");
      return opened;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read VOC tree " + base + ": " + e.getMessage(), e);
    }
  }

  /** Checks that every image of {@code split} has its JPEG. */
  public static void requireImages(VocFiles files, VocSplit split) {
    try {
      requireAll(files, split, split.root() + "/" + IMAGES, ".jpg", "image");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read VOC tree " + split.root() + ": " + e.getMessage(), e);
    }
  }

  /** Checks that {@code dir} holds {@code <id>.png} for every image of {@code split}. */
  public static void requirePredictions(VocFiles files, VocSplit split, String dir) {
    String base = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    try {
      if (!files.exists(base)) {
        throw new VocFormatException(
            "Cannot read predictions " + base + ": no such directory (expected a folder of PNGs)");
      }
      requireAll(files, split, base, ".png", "prediction");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read predictions " + base + ": " + e.getMessage(), e);
    }
  }

  private static VocSplit readIds(VocFiles files, String base, String split) throws IOException {
    String lists = base + "/" + LISTS;
    String name = split == null ? DEFAULT_SPLIT : split;
    String listUri = lists + "/" + name + ".txt";
    if (!files.exists(listUri)) {
      if (split == null && !files.exists(lists)) {
        List<String> ids = new ArrayList<>();
        for (String file : sorted(files.list(base + "/" + MASKS))) {
          if (file.endsWith(".png")) {
            ids.add(file.substring(0, file.length() - ".png".length()));
          }
        }
        return new VocSplit(base, "all", null, ids);
      }
      List<String> splits = new ArrayList<>();
      for (String file : files.exists(lists) ? sorted(files.list(lists)) : List.<String>of()) {
        if (file.endsWith(".txt")) {
          splits.add(file.substring(0, file.length() - ".txt".length()));
        }
      }
      throw new VocFormatException(
          "Cannot read VOC split '"
              + name
              + "': no list file "
              + listUri
              + " (expected one of the splits "
              + splits
              + " in "
              + lists
              + ")");
    }
    String text = new String(files.read(listUri), StandardCharsets.UTF_8);
    Set<String> ids = new LinkedHashSet<>();
    int lineNumber = 0;
    for (String line : text.split("\\R")) {
      lineNumber++;
      String id = line.strip();
      if (id.isEmpty()) {
        continue;
      }
      // Main/ lists carry "<id> <flag>"; Segmentation lists only ids. Either way the id comes
      // first.
      id = id.split("\\s+")[0];
      if (!ids.add(id)) {
        throw new VocFormatException(
            "Cannot read VOC split "
                + listUri
                + ": image "
                + id
                + " is listed twice (expected unique ids, got a repeat on line "
                + lineNumber
                + ")");
      }
    }
    return new VocSplit(base, name, listUri, new ArrayList<>(ids));
  }

  private static void requireAll(
      VocFiles files, VocSplit split, String dir, String extension, String what)
      throws IOException {
    Set<String> present = new HashSet<>(files.list(dir));
    List<String> missing = new ArrayList<>();
    for (String id : split.ids()) {
      if (!present.contains(id + extension)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw new VocFormatException(
          "Cannot read VOC split "
              + split.name()
              + ": "
              + what
              + " "
              + dir
              + "/"
              + missing.get(0)
              + extension
              + " is missing (listed in "
              + split.source()
              + "; expected a file for every listed image, got "
              + missing.size()
              + " of "
              + split.ids().size()
              + " missing)");
    }
  }

  private static List<String> sorted(List<String> names) {
    List<String> copy = new ArrayList<>(names);
    copy.sort(null);
    return copy;
  }
}
