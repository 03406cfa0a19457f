package org.mnv2.model.image;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding through libjpeg-turbo's official Java API (TurboJPEG), when the node has it:
 * Debian's {@code libturbojpeg0}, {@code libturbojpeg-java} and {@code libturbojpeg0-dev} (whose
 * unversioned {@code libturbojpeg.so} the API's loader opens). The API's jar is not on Maven
 * Central, so it is loaded at run time from {@value #DEFAULT_JAR} (or the system property {@value
 * #JAR_PROPERTY}); without it, or without the native library, JPEGs decode through ImageIO, said
 * once per JVM at INFO.
 *
 * <p>Full-size decoding with libjpeg's defaults (accurate integer IDCT, fancy upsampling, embedded
 * ICC profiles not applied): the pixels of PIL's {@code Image.open(f).convert("RGB")}, which
 * torchvision-style references use, on every fixture photo. The JDK's ImageIO reader applies an
 * embedded ICC profile and so differs from PIL on such JPEGs. Anything TurboJPEG does not decode
 * cleanly (a warning such as truncated data, CMYK or YCCK, a bad header) is left to the ImageIO
 * path, which then decodes it or says why not, so both paths give the same ok / error rows. About 3
 * ms per 640x480 photo against 9-14 ms through ImageIO (one core).
 */
final class TurboJpeg {
  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
  static final String JAR_PROPERTY = "mnv2.turbojpeg.jar";
  static final String DEFAULT_JAR = "/usr/share/java/turbojpeg.jar";
  private static final int PF_RGB = 0;
  private static final int CS_CMYK = 3;
  private static final int CS_YCCK = 4;
  private static final int FLAG_STOPONWARNING = 8192;

  /** The API's methods, or null when TurboJPEG is not available in this JVM. */
  private static final Api API = load();

  private TurboJpeg() {}

  private record Api(
      MethodHandle open,
      MethodHandle width,
      MethodHandle height,
      MethodHandle colorspace,
      MethodHandle decompress,
      MethodHandle close) {}

  private static Api load() {
    Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR));
    try {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing");
      }
      ClassLoader loader =
          new URLClassLoader(new URL[] {jar.toUri().toURL()}, TurboJpeg.class.getClassLoader());
      Class<?> type = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodType decompress =
          MethodType.methodType(
              void.class,
              byte[].class,
              int.class,
              int.class,
              int.class,
              int.class,
              int.class,
              int.class,
              int.class);
      Api api =
          new Api(
              lookup.findConstructor(type, MethodType.methodType(void.class, byte[].class)),
              lookup.findVirtual(type, "getWidth", MethodType.methodType(int.class)),
              lookup.findVirtual(type, "getHeight", MethodType.methodType(int.class)),
              lookup.findVirtual(type, "getColorspace", MethodType.methodType(int.class)),
              lookup.findVirtual(type, "decompress", decompress),
              lookup.findVirtual(type, "close", MethodType.methodType(void.class)));
      LOG.info("JPEG decoding: TurboJPEG (libjpeg-turbo) from {}", jar);
      return api;
    } catch (Throwable e) {
      LOG.info(
          "JPEG decoding: ImageIO (TurboJPEG not available: {}; install libturbojpeg0,"
              + " libturbojpeg-java and libturbojpeg0-dev for faster, PIL-exact decoding)",
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      return null;
    }
  }

  static boolean available() {
    return API != null;
  }

  /** The decoder JPEGs go through in this JVM. */
  static String name() {
    return API != null ? "turbojpeg" : "imageio";
  }

  /**
   * The JPEG's RGB pixels (before EXIF orientation), or null to leave it to the ImageIO path.
   *
   * <p>With {@code cover}, decoded through libjpeg's DCT-domain scaling at the smallest factor n/8
   * whose output still covers {@code cover.of(width, height)} on both axes (sizes in the file's own
   * orientation); without, at full size. Either way an image above {@link ImageDecoder#MAX_PIXELS}
   * decodes at the largest factor that brings it under the limit: a baseline JPEG's memory is then
   * the scaled output plus a few rows of the full width, so a 20000x15000 photo decodes at 1/8 in
   * about 15 MB. A progressive JPEG keeps its whole coefficient buffer (about 2-6 bytes per pixel
   * of the full image), so its limit stays on the full size.
   *
   * @throws ImageDecodeException when the image is above the limit even at 1/8, or progressive and
   *     above it at full size
   */
  static RgbImage decode(byte[] jpeg, ImageDecoder.Cover cover) {
    if (API == null) {
      return null;
    }
    Object d;
    try {
      d = API.open().invoke(jpeg);
    } catch (Throwable e) {
      return null;
    }
    try {
      int width = (int) API.width().invoke(d);
      int height = (int) API.height().invoke(d);
      int colorspace = (int) API.colorspace().invoke(d);
      int eighths = ImageDecoder.eighths(width, height, cover, JpegMarkers.isProgressive(jpeg));
      if (colorspace == CS_CMYK || colorspace == CS_YCCK) {
        return null;
      }
      int w = scaled(width, eighths);
      int h = scaled(height, eighths);
      byte[] rgb = new byte[w * h * 3];
      // TurboJPEG picks the largest scaling factor whose output fits the desired size: exactly n/8.
      API.decompress().invoke(d, rgb, 0, 0, w, 0, h, PF_RGB, FLAG_STOPONWARNING);
      return new RgbImage(w, h, rgb, width, height);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (Throwable e) {
      return null;
    } finally {
      try {
        API.close().invoke(d);
      } catch (Throwable e) {
        LOG.debug("Cannot close a TurboJPEG decompressor", e);
      }
    }
  }

  /** The full-size decode: PIL's pixels. */
  static RgbImage decode(byte[] jpeg) {
    return decode(jpeg, null);
  }

  /** libjpeg's scaled size of a dimension at n/8: ceil(size * n / 8). */
  static int scaled(int size, int eighths) {
    return (int) (((long) size * eighths + 7) / 8);
  }
}
