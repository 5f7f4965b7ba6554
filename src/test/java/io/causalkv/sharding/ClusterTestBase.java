package io.causalkv.sharding;

import io.causalkv.testing.Cluster;
import org.junit.jupiter.api.AfterEach;

/** A test that starts its own cluster in {@link #cluster}; it is stopped after each test. */
abstract class ClusterTestBase {

    protected Cluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
