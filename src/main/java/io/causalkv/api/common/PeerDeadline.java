package io.causalkv.api.common;

import io.causalkv.transport.PeerRequest;
import java.lang.System.Logger.Level;

/**
 * Whether a request from another node is read after its sender stopped waiting for it
 * ({@link PeerRequest#DEADLINE_HEADER}). Such a request sat in a kernel while a link was down
 * (TCP retransmits it once the link is back) or in the socket of a process that was paused; its
 * sender has already treated it as failed (a relay answered 503, or moved on; a replication batch
 * will be sent again), so acting on it now would apply a write twice or repair a replica before
 * its time (API.md 10.3). A client gains nothing by sending the header: it can only have its own
 * request refused. Both the Jersey side and the peer servlet ask here.
 */
public final class PeerDeadline {

    public static final String EXPIRED = "Request expired";
    private static final System.Logger LOG = System.getLogger(PeerDeadline.class.getName());

    private PeerDeadline() {
    }

    /** True when the request must be refused; logs it. {@code header}: the deadline header, or null. */
    public static boolean expired(String header, String method, String path) {
        if (header == null) {
            return false;
        }
        long late;
        try {
            late = System.currentTimeMillis() - Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return false; // not a node's header
        }
        if (late <= 0) {
            return false;
        }
        // Heartbeats pile up in a paused process's socket by the dozen: only other requests are worth a line.
        LOG.log(path.endsWith("ping") ? Level.DEBUG : Level.INFO,
                "refused {0} {1} from a peer: read {2} ms after its sender gave up on it", method, path, late);
        return true;
    }
}
