package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SceneGeneratorTest {

  private static final long SEED = 20240601L;
  private static List<Scene> scenes;

  @BeforeAll
  static void generateScenes() {
    scenes = IntStream.range(0, 200).mapToObj(i -> SceneGenerator.generate(SEED, i)).toList();
  }

  @Test
  void sameSeedAndIndexGiveTheSameScene() {
    Scene again = SceneGenerator.generate(SEED, 17);

    assertThat(again.rgb()).isEqualTo(scenes.get(17).rgb());
    assertThat(again.objectIds()).isEqualTo(scenes.get(17).objectIds());
    assertThat(again.objects()).isEqualTo(scenes.get(17).objects());
  }

  @Test
  void otherSeedsAndIndicesGiveOtherScenes() {
    assertThat(SceneGenerator.generate(SEED + 1, 17).rgb()).isNotEqualTo(scenes.get(17).rgb());
    assertThat(scenes.get(18).rgb()).isNotEqualTo(scenes.get(17).rgb());
  }

  @Test
  void sizesAndObjectCountsStayInRange() {
    assertThat(scenes)
        .allSatisfy(
            scene -> {
              assertThat(scene.width()).isBetween(160, 400);
              assertThat(scene.height()).isBetween(160, 400);
              assertThat(scene.objects()).hasSizeBetween(1, 5);
            });
    assertThat(scenes).anySatisfy(scene -> assertThat(scene.objects()).hasSize(1));
    assertThat(scenes).anySatisfy(scene -> assertThat(scene.objects()).hasSize(5));
    assertThat(scenes).anySatisfy(scene -> assertThat(scene.width()).isLessThan(200));
    assertThat(scenes).anySatisfy(scene -> assertThat(scene.height()).isGreaterThan(360));
  }

  @Test
  void boxesAndAreasAreThoseOfTheObjectPixels() {
    for (Scene scene : scenes) {
      byte[] ids = scene.objectIds();
      for (int k = 0; k < scene.objects().size(); k++) {
        SceneObject object = scene.objects().get(k);
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        int count = 0;
        for (int i = 0; i < ids.length; i++) {
          if (ids[i] == k + 1) {
            int x = i % scene.width();
            int y = i / scene.width();
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
            count++;
          }
        }
        assertThat(object.box())
            .as("image %d object %d", scene.index(), k)
            .isEqualTo(new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1));
        assertThat(object.area()).as("image %d object %d", scene.index(), k).isEqualTo(count);
      }
    }
  }

  @Test
  void objectPixelsHaveTheirClassColourAndBackgroundPixelsNone() {
    for (Scene scene : scenes) {
      int[] rgb = scene.rgb();
      byte[] ids = scene.objectIds();
      int[] worstDistance = new int[scene.objects().size() + 1];
      int worstBackgroundSpread = 0;
      for (int i = 0; i < rgb.length; i++) {
        if (ids[i] != 0) {
          SynthClass synthClass = scene.objects().get(ids[i] - 1).synthClass();
          worstDistance[ids[i]] =
              Math.max(worstDistance[ids[i]], channelDistance(rgb[i], synthClass.rgb()));
        } else {
          worstBackgroundSpread = Math.max(worstBackgroundSpread, spread(rgb[i]));
        }
      }

      // Per-object plus per-pixel jitter: at most 12 per channel.
      assertThat(Arrays.stream(worstDistance).max().orElseThrow())
          .as("image %d", scene.index())
          .isLessThanOrEqualTo(12);
      // Muted background: channels within 2 * 15 + 2 * 5 of each other, far from any class colour
      // (whose spreads are 190 and 200).
      assertThat(worstBackgroundSpread).as("image %d", scene.index()).isLessThanOrEqualTo(40);
    }
  }

  @Test
  void primaryObjectHasAtLeastTwiceTheAreaOfAnyOther() {
    for (Scene scene : scenes) {
      int primary = scene.primary().area();
      assertThat(primary).as("image %d", scene.index()).isGreaterThanOrEqualTo(700);
      assertThat(scene.objects().subList(1, scene.objects().size()))
          .allSatisfy(
              other ->
                  assertThat(2 * other.area())
                      .as("image %d", scene.index())
                      .isLessThanOrEqualTo(primary));
    }
  }

  @Test
  void primaryClassesCoverEveryClass() {
    assertThat(scenes.stream().map(scene -> scene.primary().synthClass()).distinct())
        .containsExactlyInAnyOrderElementsOf(SynthClass.all());
  }

  @Test
  void vocLabelsAreClassesWithAnIgnoreBand() {
    Scene scene = scenes.get(3);
    byte[] classLabels = scene.classLabels();
    byte[] vocLabels = scene.vocLabels();
    byte[] ids = scene.objectIds();

    assertThat(vocLabels).isEqualTo(IgnoreBand.apply(classLabels, scene.width(), scene.height()));
    for (int i = 0; i < ids.length; i++) {
      int expected = ids[i] == 0 ? 0 : scene.objects().get(ids[i] - 1).synthClass().vocIndex();
      assertThat(classLabels[i] & 0xFF).isEqualTo(expected);
      assertThat(vocLabels[i] & 0xFF).isIn(expected, IgnoreBand.IGNORE);
    }
  }

  private static int channelDistance(int a, int b) {
    int d = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      d = Math.max(d, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
    }
    return d;
  }

  private static int spread(int rgb) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    return Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
  }
}
