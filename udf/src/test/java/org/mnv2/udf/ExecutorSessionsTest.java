package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mnv2.model.runtime.InputBatch;
import org.mnv2.model.runtime.OnnxSession;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.runtime.SessionRunner;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.udf.ExecutorSessions.SessionLease;

/** The executor's session cache: keys, leases, idle eviction; and the run's broadcast. */
class ExecutorSessionsTest extends UdfSparkTestBase {

  @BeforeEach
  void noSessionCached() {
    ExecutorSessions.closeIdle();
    assertThat(ExecutorSessions.keys()).as("sessions left by an earlier test").isEmpty();
  }

  private static ModelHandle handle(int threads) {
    return ModelHandles.prepare(
        spark,
        spec,
        InferenceTasks.forSpec(spec, TaskOptions.defaults()),
        threads,
        1,
        DeviceMode.CPU);
  }

  /** One image of zeros through {@code session}: the logits of the model's classes. */
  private static Tensor runOnce(OnnxSession session) {
    InputBatch batch = new InputBatch(spec.input(), 1);
    batch.setSize(1);
    try (SessionRunner runner = session.newRunner()) {
      Map<String, Tensor> out = runner.run(batch);
      return out.get("output");
    }
  }

  @Test
  void aSessionBuiltWithOneThreadIsNotReusedByAHandleAskingForTwo() {
    ModelHandle one = handle(1);
    ModelHandle two = handle(2);

    try (SessionLease a = ExecutorSessions.acquire(one, -1);
        SessionLease b = ExecutorSessions.acquire(two, -1);
        SessionLease again = ExecutorSessions.acquire(one, -1)) {
      assertThat(a.builtNow()).isTrue();
      assertThat(b.builtNow()).as("the 2-thread handle builds its own session").isTrue();
      assertThat(b.session()).isNotSameAs(a.session());
      assertThat(a.key()).isEqualTo(new SessionKey(one.sha256(), SessionOptions.cpu(1)));
      assertThat(b.key()).isEqualTo(new SessionKey(one.sha256(), SessionOptions.cpu(2)));
      assertThat(ExecutorSessions.keys()).containsExactlyInAnyOrder(a.key(), b.key());
      assertThat(again.builtNow()).isFalse();
      assertThat(again.session()).isSameAs(a.session());
    }
    // On a GPU the session has one intra-op thread whatever was asked: one key for both handles.
    assertThat(SessionKey.of(two, 0)).isEqualTo(SessionKey.of(one, 0));
    assertThat(SessionKey.of(two, 0).options()).isEqualTo(new SessionOptions(1, 0));
  }

  @Test
  void closingIdleSessionsLeavesTheOneALeaseHoldsRunning() {
    ModelHandle one = handle(1);
    ModelHandle two = handle(2);
    SessionLease held = ExecutorSessions.acquire(one, -1);
    SessionLease released = ExecutorSessions.acquire(two, -1);
    OnnxSession idle = released.session();
    released.close();

    int closed = ExecutorSessions.closeIdle();

    assertThat(closed).isEqualTo(1);
    assertThat(idle.isClosed()).isTrue();
    assertThat(held.session().isClosed()).isFalse();
    assertThat(ExecutorSessions.keys()).containsExactly(held.key());
    Tensor logits = runOnce(held.session());
    assertThat(logits.shape()).containsExactly(1, spec.labels().size());
    assertThat(logits.data())
        .hasSize(spec.labels().size())
        .doesNotContain(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);

    OnnxSession session = held.session();
    held.close();
    held.close(); // a second release does not count twice
    assertThat(ExecutorSessions.closeIdle()).isEqualTo(1);
    assertThat(session.isClosed()).isTrue();
    assertThatThrownBy(() -> runOnce(session))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot run model synth-mobilenetv2: its session is closed");
  }

  @Test
  void destroyFreesTheRunsBroadcast() {
    ModelHandle handle = handle(1);
    assertThat(handle.bytes().value()).hasSizeGreaterThan(1000);

    handle.destroy();

    assertThat(handle.bytes().isValid()).isFalse();
    assertThatThrownBy(() -> handle.bytes().value())
        .isInstanceOf(SparkException.class)
        .hasMessageContaining("after it was destroyed");
    handle.destroy(); // a second call is a no-op
    assertThat(handle.bytes().isValid()).isFalse();
  }
}
