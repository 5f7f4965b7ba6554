package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 4: a view change abandoned because a member of the new view did not answer
 * (paused past the step wait) can be asked again once it is back. kvs-keys membership is manual,
 * so nothing changes between the two attempts and the retry proposes the very same layout; the
 * nodes that saw the first attempt's ABORT used to refuse it as if it were that abandoned
 * proposal, every time ("gave way to a concurrent change").
 */
class ViewChangeRetryIT {

    private static final Duration PAUSE = Duration.ofMillis(2_500);

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void aViewChangeAbandonedForAPausedMemberIsDoneWhenAskedAgain() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.create("kvs-keys-retry", 4)) {
            Map<String, String> settings = Map.of("VIEW", cluster.view(0, 1, 2, 3), "REPL_FACTOR", "2");
            cluster.launchTogether(4, "ADDRESS", settings);
            for (int n = 0; n < 20; n++) {
                Http.Reply put = Http.send("PUT", cluster.url(n % 4, "/kvs/keys/k" + n), "{\"value\":" + n + "}");
                assertEquals(201, put.status(), put.body());
            }
            String change = "{\"view\":\"" + cluster.view(0, 1, 2, 3) + "\",\"repl-factor\":1}";

            cluster.pause(3);
            Http.Reply first;
            long paused = System.nanoTime();
            try {
                first = Http.send("PUT", cluster.url(0, "/kvs/view-change"), change);
                Await.elapse(Await.remaining(PAUSE, paused));
            } finally {
                cluster.resume(3);
            }
            assertEquals(503, first.status(), "a member of the new view was paused: " + first.body());

            List<String> answers = new ArrayList<>();
            try {
                Await.until(Duration.ofSeconds(15), "the view change, asked again, is done", () -> {
                    Http.Reply again = Http.send("PUT", cluster.url(1, "/kvs/view-change"), change);
                    answers.add(again.status() + " " + again.body());
                    return again.status() == 200;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its answers: " + answers, e);
            }
            int total = 0;
            for (int i = 0; i < 4; i++) {
                total += Http.send("GET", cluster.url(i, "/kvs/key-count")).json().get("key-count").asInt();
            }
            assertEquals(20, total, "every key in the four shards of one replica each");
        }
    }
}
