package io.causalkv.fuzz;

/**
 * One generated request, as bytes for the wire.
 *
 * @param index its number in the run (with the seed, enough to generate it again)
 * @param node which node of {@code FuzzTargets} it goes to
 * @param method the method token as sent (may be garbage)
 * @param target the request target as sent (may be garbage)
 * @param head the request line and headers, up to and including the blank line (or cut short)
 * @param body the bytes after the head (may disagree with Content-Length on purpose)
 * @param halfClose close our sending side after the body, so a short body ends in EOF
 * @param answerRequired false only for a head cut short: closing without an answer is fair then
 */
record FuzzRequest(long index, int node, String method, String target, byte[] head, byte[] body, boolean halfClose,
                   boolean answerRequired) {

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** The path of the target, without query (an absolute-form target is reduced to its path). */
    String path() {
        String t = target;
        if (t.startsWith("http://")) {
            int slash = t.indexOf('/', "http://".length());
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int cut = t.length();
        for (char c : new char[] {'?', '#'}) {
            int at = t.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return t.substring(0, cut);
    }

    String describe() {
        return "request #" + index + " to node " + node + ": " + RawClient.preview(head, 600)
                + (body.length == 0 ? "" : "\n[body] " + RawClient.preview(body, 400));
    }
}
