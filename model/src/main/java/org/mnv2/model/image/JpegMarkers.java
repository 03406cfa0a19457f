package org.mnv2.model.image;

/** What a JPEG's markers say before any pixel is decoded. */
final class JpegMarkers {
  private JpegMarkers() {}

  /**
   * Whether the first frame header (SOFn) is progressive (SOF2, SOF6, SOF10, SOF14); false when the
   * bytes end or go wrong before one, leaving the decoder to say what is wrong.
   */
  static boolean isProgressive(byte[] jpeg) {
    int i = 2;
    while (i + 3 < jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        return false;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return false; // scan data or end before a frame header
      }
      boolean frame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame) {
        return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
      }
      int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
      i += 2 + length;
    }
    return false;
  }
}
