package io.causalkv.testing;

/** The nodes of a test cluster as a client sees them: addresses, and which are running now. */
public interface Nodes {

    int size();

    /** {@code IP:PORT} of node {@code i}. */
    String address(int i);

    boolean isRunning(int i);

    default String url(int i, String path) {
        return "http://" + address(i) + path;
    }
}
