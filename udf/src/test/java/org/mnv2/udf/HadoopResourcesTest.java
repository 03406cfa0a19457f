package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.mnv2.model.PipelineException;

/** exists(): "no such file" only when the file system says so. */
class HadoopResourcesTest {

  @Test
  void anUnreachableStoreIsAnErrorNamingTheUriNotAMissingFile() {
    // Port 1 on loopback refuses connections at once; no client retries.
    Configuration conf = new Configuration();
    conf.setInt("ipc.client.connect.max.retries", 0);
    conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
    conf.setInt("ipc.client.connect.timeout", 2_000);
    HadoopResources resources = new HadoopResources(conf);
    String uri = "hdfs://127.0.0.1:1/models/mobilenetv2.yaml";

    assertThatThrownBy(() -> resources.exists(uri))
        .isInstanceOf(PipelineException.class)
        .hasMessageStartingWith("Cannot check whether " + uri + " exists: ")
        .hasMessageContaining("Connection refused")
        .hasRootCauseInstanceOf(ConnectException.class);
  }
}
