package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ResamplerTest {

  static byte[] pattern(int w, int h) {
    byte[] a = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          a[(y * w + x) * 3 + c] = (byte) ((x * 7 + y * 13 + c * 29 + (x * y) % 17) % 256);
        }
      }
    }
    return a;
  }

  @Test
  void matchesPillowFiltersBitForBit() throws Exception {
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("/pil-resize-golden.json")) {
      cases = new ObjectMapper().readTree(in);
    }
    assertThat(cases.size()).isEqualTo(15);
    for (JsonNode c : cases) {
      int sw = c.get("sw").asInt();
      int sh = c.get("sh").asInt();
      int dw = c.get("dw").asInt();
      int dh = c.get("dh").asInt();
      byte[] expected = Base64.getDecoder().decode(c.get("expected").asText());
      Resampler.Filter filter = Resampler.Filter.valueOf(c.get("filter").asText());
      byte[] actual = Resampler.resize(pattern(sw, sh), sw, sh, dw, dh, 0, 0, dw, dh, filter, true);
      assertThat(actual).as("%s %dx%d -> %dx%d", filter, sw, sh, dw, dh).isEqualTo(expected);
    }
  }

  @Test
  void windowEqualsCropOfFullResize() {
    byte[] src = pattern(640, 480);
    byte[] full = Resampler.resize(src, 640, 480, 341, 256, 0, 0, 341, 256, true);
    byte[] window = Resampler.resize(src, 640, 480, 341, 256, 58, 16, 224, 224, true);
    for (int y = 0; y < 224; y++) {
      byte[] expectedRow =
          Arrays.copyOfRange(full, ((16 + y) * 341 + 58) * 3, ((16 + y) * 341 + 58 + 224) * 3);
      byte[] actualRow = Arrays.copyOfRange(window, y * 224 * 3, (y + 1) * 224 * 3);
      assertThat(actualRow).as("row %d", y).isEqualTo(expectedRow);
    }
  }
}
