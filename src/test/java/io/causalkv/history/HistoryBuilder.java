package io.causalkv.history;

import io.causalkv.history.Op.Kind;
import io.causalkv.history.Op.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-made histories for the checker's tests: times in milliseconds, each session numbered in call order. */
final class HistoryBuilder {

    private final List<Op> ops = new ArrayList<>();
    private final Map<String, Integer> next = new HashMap<>();

    HistoryBuilder put(String session, String key, String value, long from, long to) {
        return add(session, Kind.PUT, key, value, from, to, 200, Outcome.OK);
    }

    HistoryBuilder putIndeterminate(String session, String key, String value, long from, long to) {
        return add(session, Kind.PUT, key, value, from, to, -1, Outcome.INDETERMINATE);
    }

    HistoryBuilder putRefused(String session, String key, String value, long from, long to) {
        return add(session, Kind.PUT, key, value, from, to, 503, Outcome.FAILED);
    }

    HistoryBuilder delete(String session, String key, long from, long to) {
        return add(session, Kind.DELETE, key, null, from, to, 200, Outcome.OK);
    }

    HistoryBuilder get(String session, String key, String value, long from, long to) {
        return add(session, Kind.GET, key, value, from, to, 200, Outcome.OK);
    }

    HistoryBuilder getNotFound(String session, String key, long from, long to) {
        return add(session, Kind.GET, key, null, from, to, 404, Outcome.NOT_FOUND);
    }

    HistoryBuilder getFailed(String session, String key, long from, long to) {
        return add(session, Kind.GET, key, null, from, to, 503, Outcome.FAILED);
    }

    private HistoryBuilder add(String session, Kind kind, String key, String value, long from, long to, int status, Outcome outcome) {
        int index = next.merge(session, 1, Integer::sum) - 1;
        ops.add(new Op(session, index, kind, key, value, "127.0.0.1:1", from * 1_000_000, to * 1_000_000, status, outcome, "null", "{}"));
        return this;
    }

    History build() {
        return History.of(ops);
    }
}
