package org.mnv2.model.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.IndexColorModel;
import org.junit.jupiter.api.Test;

class VocPaletteTest {

  @Test
  void matchesTheVocDevkitColours() {
    // Values from the VOC2012 devkit's labelcolormap (and any VOC SegmentationClass PNG).
    assertThat(VocPalette.rgb(0)).isEqualTo(0x000000);
    assertThat(VocPalette.rgb(1)).isEqualTo(0x800000); // aeroplane
    assertThat(VocPalette.rgb(2)).isEqualTo(0x008000);
    assertThat(VocPalette.rgb(3)).isEqualTo(0x808000);
    assertThat(VocPalette.rgb(4)).isEqualTo(0x000080);
    assertThat(VocPalette.rgb(5)).isEqualTo(0x800080);
    assertThat(VocPalette.rgb(6)).isEqualTo(0x008080);
    assertThat(VocPalette.rgb(7)).isEqualTo(0x808080);
    assertThat(VocPalette.rgb(8)).isEqualTo(0x400000);
    assertThat(VocPalette.rgb(15)).isEqualTo(0xC08080); // person
    assertThat(VocPalette.rgb(20)).isEqualTo(0x004080); // tvmonitor
    assertThat(VocPalette.rgb(255)).isEqualTo(0xE0E0C0); // void
  }

  @Test
  void colorModelHoldsTheSameColoursOpaque() {
    IndexColorModel model = VocPalette.colorModel();

    assertThat(model.getMapSize()).isEqualTo(256);
    assertThat(model.getPixelSize()).isEqualTo(8);
    assertThat(model.hasAlpha()).isFalse();
    for (int i = 0; i < 256; i++) {
      assertThat(model.getRGB(i)).as("entry %d", i).isEqualTo(0xFF000000 | VocPalette.rgb(i));
    }
  }

  @Test
  void rejectsLabelsOutsideAByte() {
    assertThatThrownBy(() -> VocPalette.rgb(256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot look up VOC colour: label out of range (expected 0..255, got 256)");
  }
}
