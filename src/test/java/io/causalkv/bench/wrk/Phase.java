package io.causalkv.bench.wrk;

import java.util.Map;

/**
 * One measured phase of a run: what wrk saw, and what the servers and wrk spent on it.
 *
 * @param group "bare", "etcd", or a causalkv layout ("3-node-1-shard", with "-batch" etc. for a storage kind)
 * @param name the phase ("hello", "hello-1", "mixed", ...)
 * @param causalkv whether causalkv answered (the anchors did not)
 * @param serverCpuSeconds CPU time of the server processes over the run
 * @param generatorCpuSeconds CPU time of wrk over the run
 * @param peerCalls causalkv peer calls during the run, summed over the nodes (NaN for the anchors)
 * @param cores the machine's cores, for wrk's share of it
 */
record Phase(String group, String name, boolean causalkv, int connections, WrkResult result,
             double serverCpuSeconds, double generatorCpuSeconds, double peerCalls, int cores) {

    double requestsPerSecond() {
        return result.requestsPerSecond();
    }

    double p50Millis() {
        return result.latency().p50() / 1e3;
    }

    double p99Millis() {
        return result.latency().p99() / 1e3;
    }

    double p999Millis() {
        return result.latency().p999() / 1e3;
    }

    /** How far the tail is from the median: p99 / p50. */
    double tail() {
        return result.latency().p99() / result.latency().p50();
    }

    /** The servers' CPU time per request, in µs. */
    double serverCpuMicrosPerRequest() {
        return result.requests() == 0 ? Double.NaN : serverCpuSeconds * 1e6 / result.requests();
    }

    /** wrk's CPU as a share of the machine (1 = every core busy) over the run. */
    double generatorShare() {
        double seconds = result.seconds();
        return seconds == 0 ? Double.NaN : generatorCpuSeconds / seconds / cores;
    }

    /** wrk's CPU time per request, in µs. */
    double generatorCpuMicrosPerRequest() {
        return result.requests() == 0 ? Double.NaN : generatorCpuSeconds * 1e6 / result.requests();
    }

    double peerCallsPerRequest() {
        return result.requests() == 0 ? Double.NaN : peerCalls / result.requests();
    }

    Map<String, Long> errors() {
        return result.errorsByKind();
    }

    String label() {
        return group + " " + name;
    }
}
