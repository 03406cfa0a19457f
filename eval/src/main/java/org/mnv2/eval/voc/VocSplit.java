package org.mnv2.eval.voc;

import java.io.Serializable;
import java.util.List;

/**
 * The images of one split of a VOCdevkit-style tree, in list order.
 *
 * @param root the tree's root URI (holding JPEGImages, SegmentationClass, ImageSets), no trailing
 *     slash
 * @param name the split's name ({@code val}), or {@code all} when the tree has no
 *     ImageSets/Segmentation and every mask was taken
 * @param listUri the list file read, or null when the ids came from SegmentationClass
 * @param ids image ids (file names without extension), unique
 */
public record VocSplit(String root, String name, String listUri, List<String> ids)
    implements Serializable {

  public VocSplit {
    if (ids.isEmpty()) {
      throw new VocFormatException(
          "Cannot read VOC split "
              + name
              + ": no images (expected at least one id in "
              + (listUri == null ? root + "/SegmentationClass" : listUri)
              + ")");
    }
    ids = List.copyOf(ids);
  }

  /** {@code root/JPEGImages/<id>.jpg}. */
  public String imageUri(String id) {
    return root + "/" + VocDevkit.IMAGES + "/" + id + ".jpg";
  }

  /** {@code root/SegmentationClass/<id>.png}. */
  public String maskUri(String id) {
    return root + "/" + VocDevkit.MASKS + "/" + id + ".png";
  }

  /** Where this split's list came from, for messages. */
  public String source() {
    return listUri != null ? listUri : root + "/" + VocDevkit.MASKS + " (every mask)";
  }
}
