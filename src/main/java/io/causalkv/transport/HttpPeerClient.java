package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.http.HttpClient;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.jnh.connector.JavaNetHttpClientProperties;
import org.glassfish.jersey.jnh.connector.JavaNetHttpConnectorProvider;

/**
 * {@link PeerClient} over HTTP/1.1: a Jersey client on the JDK HttpClient connector, which keeps
 * a pool of keep-alive connections per peer. The request timeout bounds connect and answer.
 */
public final class HttpPeerClient implements PeerClient {

    private static final byte[] NO_BODY = new byte[0];

    private final Client client;

    public HttpPeerClient() {
        ClientConfig config = new ClientConfig()
                .connectorProvider(new JavaNetHttpConnectorProvider())
                // Plain HTTP/1.1: no h2c upgrade attempt on every new connection.
                .property(JavaNetHttpClientProperties.HTTP_VERSION, HttpClient.Version.HTTP_1_1)
                // Peers send causal metadata in GET and DELETE bodies.
                .property(ClientProperties.SUPPRESS_HTTP_COMPLIANCE_VALIDATION, true)
                .property(ClientProperties.FOLLOW_REDIRECTS, false);
        this.client = ClientBuilder.newClient(config);
    }

    @Override
    public PeerResponse call(NodeAddress peer, PeerRequest request) throws PeerUnreachableException {
        Invocation.Builder builder = client.target(URI.create("http://" + peer + request.rawPath()))
                .request()
                .property(ClientProperties.READ_TIMEOUT, (int) Math.max(1, request.timeout().toMillis()));
        try (Response response = request.body().length == 0
                ? builder.method(request.method())
                : builder.method(request.method(), Entity.entity(request.body(), MediaType.APPLICATION_JSON_TYPE))) {
            byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : NO_BODY;
            return new PeerResponse(response.getStatus(), body);
        } catch (ProcessingException | IllegalStateException e) {
            throw new PeerUnreachableException(peer, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
