package io.causalkv.api.common;

import io.causalkv.node.Node;
import io.causalkv.transport.ClusterToken;
import io.causalkv.transport.PeerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * The relay headers ({@link PeerRequest#HOPS_HEADER}, {@link PeerRequest#BUDGET_HEADER}) are
 * a node's word to another node. With a cluster token, a request that does not carry it is a
 * client's, and its relay headers are dropped before anything reads them, so a client cannot
 * pose as a relaying node. Without a token they are taken as they come (a client can only
 * shorten its own request with them).
 */
@Provider
@PreMatching
public final class RelayHeaderFilter implements ContainerRequestFilter {

    @Inject
    private Node node;

    @Override
    public void filter(ContainerRequestContext request) {
        boolean relayed = request.getHeaders().containsKey(PeerRequest.HOPS_HEADER)
                || request.getHeaders().containsKey(PeerRequest.BUDGET_HEADER);
        // Checked only when there is something to drop: the token's digest is not computed per request.
        if (relayed && !ClusterToken.admits(node.config().clusterToken(), request.getHeaderString(ClusterToken.HEADER))) {
            request.getHeaders().remove(PeerRequest.HOPS_HEADER);
            request.getHeaders().remove(PeerRequest.BUDGET_HEADER);
        }
    }
}
