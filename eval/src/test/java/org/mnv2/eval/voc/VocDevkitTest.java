package org.mnv2.eval.voc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDevkitTest {
  @TempDir Path root;

  private void file(String relative, String text) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private void image(String id) throws IOException {
    file("JPEGImages/" + id + ".jpg", "jpeg");
    file("SegmentationClass/" + id + ".png", "png");
  }

  @Test
  void readsTheSplitListInOrder() throws IOException {
    image("b");
    image("a");
    file("ImageSets/Segmentation/val.txt", "b\n\na\n");

    VocSplit split = VocDevkit.open(VocFiles.local(), root + "/", null);
    VocDevkit.requireImages(VocFiles.local(), split);

    assertThat(split.ids()).containsExactly("b", "a");
    assertThat(split.name()).isEqualTo("val");
    assertThat(split.imageUri("a")).isEqualTo(root + "/JPEGImages/a.jpg");
    assertThat(split.maskUri("a")).isEqualTo(root + "/SegmentationClass/a.png");
  }

  @Test
  void aTreeWithoutImageSetsIsEveryMaskWhenNoSplitIsAsked() throws IOException {
    image("y");
    image("x");
    file("JPEGImages/no-mask.jpg", "jpeg");

    VocSplit split = VocDevkit.open(VocFiles.local(), root.toString(), null);

    assertThat(split.ids()).containsExactly("x", "y");
    assertThat(split.name()).isEqualTo("all");
    assertThatThrownBy(() -> VocDevkit.open(VocFiles.local(), root.toString(), "val"))
        .isInstanceOf(VocFormatException.class)
        .hasMessageContaining("Cannot read VOC split 'val': no list file " + root)
        .hasMessageContaining("ImageSets/Segmentation/val.txt");
  }

  @Test
  void aTreeWithoutMasksOrSplitsIsAnErrorNotAnEmptySplit() throws IOException {
    file("JPEGImages/a.jpg", "jpeg");

    assertThatThrownBy(() -> VocDevkit.open(VocFiles.local(), root.toString(), null))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot read VOC tree " + root)
        .hasMessageContaining("SegmentationClass: no such directory");
  }

  @Test
  void anUnknownSplitListsTheKnownOnes() throws IOException {
    image("a");
    file("ImageSets/Segmentation/train.txt", "a\n");
    file("ImageSets/Segmentation/trainval.txt", "a\n");

    assertThatThrownBy(() -> VocDevkit.open(VocFiles.local(), root.toString(), "vall"))
        .isInstanceOf(VocFormatException.class)
        .hasMessageContaining("expected one of the splits [train, trainval]");
  }

  @Test
  void aListedImageWithoutItsJpegIsNamed() throws IOException {
    image("a");
    file("SegmentationClass/2007_000033.png", "png");
    file("ImageSets/Segmentation/val.txt", "a\n2007_000033\n");
    VocSplit split = VocDevkit.open(VocFiles.local(), root.toString(), "val");

    assertThatThrownBy(() -> VocDevkit.requireImages(VocFiles.local(), split))
        .isInstanceOf(VocFormatException.class)
        .hasMessage(
            "Cannot read VOC split val: image "
                + root
                + "/JPEGImages/2007_000033.jpg is missing (listed in "
                + root
                + "/ImageSets/Segmentation/val.txt; expected a file for every listed image, got 1"
                + " of 2 missing)");
  }

  @Test
  void aListedImageWithoutItsMaskIsNamed() throws IOException {
    image("a");
    file("JPEGImages/b.jpg", "jpeg");
    file("ImageSets/Segmentation/val.txt", "a\nb\n");

    assertThatThrownBy(() -> VocDevkit.open(VocFiles.local(), root.toString(), null))
        .isInstanceOf(VocFormatException.class)
        .hasMessageContaining("ground-truth mask " + root + "/SegmentationClass/b.png is missing");
  }

  @Test
  void aMissingPredictionIsNamed() throws IOException {
    image("a");
    image("b");
    file("ImageSets/Segmentation/val.txt", "a\nb\n");
    file("preds/a.png", "png");
    VocSplit split = VocDevkit.open(VocFiles.local(), root.toString(), null);

    assertThatThrownBy(() -> VocDevkit.requirePredictions(VocFiles.local(), split, root + "/preds"))
        .isInstanceOf(VocFormatException.class)
        .hasMessageContaining("prediction " + root + "/preds/b.png is missing");
  }

  @Test
  void aRepeatedIdIsAnError() throws IOException {
    image("a");
    file("ImageSets/Segmentation/val.txt", "a\na\n");

    assertThatThrownBy(() -> VocDevkit.open(VocFiles.local(), root.toString(), null))
        .isInstanceOf(VocFormatException.class)
        .hasMessageContaining(
            "image a is listed twice (expected unique ids, got a repeat on line 2)");
  }
}
