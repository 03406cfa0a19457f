package org.mnv2.model.spec;

import java.io.Serializable;
import java.util.List;
import org.mnv2.model.UsageException;

/**
 * Class names by model class index, and for COCO detectors the COCO category id of each index
 * (default: index + 1).
 */
public record Labels(List<String> names, int[] categoryIds) implements Serializable {

  public Labels {
    names = List.copyOf(names);
    if (categoryIds == null) {
      categoryIds = new int[names.size()];
      for (int i = 0; i < categoryIds.length; i++) {
        categoryIds[i] = i + 1;
      }
    } else {
      if (categoryIds.length != names.size()) {
        throw new UsageException(
            "Cannot read model spec: labels.category_ids has "
                + categoryIds.length
                + " entries (expected one per label: "
                + names.size()
                + ")");
      }
      categoryIds = categoryIds.clone();
    }
  }

  /** Number of classes. */
  public int size() {
    return names.size();
  }

  /** The label of a class index, or "class_N" past the end of the list. */
  public String name(int index) {
    return index >= 0 && index < names.size() ? names.get(index) : "class_" + index;
  }

  /** The COCO category id of a class index. */
  public int categoryId(int index) {
    return index >= 0 && index < categoryIds.length ? categoryIds[index] : index + 1;
  }

  @Override
  public int[] categoryIds() {
    return categoryIds.clone();
  }
}
