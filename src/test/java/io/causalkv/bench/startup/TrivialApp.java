package io.causalkv.bench.startup;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The trivial Jersey application of {@code bin/bench startup} and of the bare anchor of
 * {@code bin/bench} ({@code io.causalkv.bench.wrk.BareAnchor}): resources answering JSON through
 * Jackson, registered explicitly as causalkv's are. What Jetty + Jersey + Jackson cost, to start
 * and per request, with no store behind them: {@code /ready} and {@code /hello} as causalkv
 * answers them, and {@code PUT/GET /kvs/{key}} over a map, with causalkv's answers but no causal
 * metadata, no replication and no shards.
 */
public final class TrivialApp extends ResourceConfig {

    public TrivialApp() {
        register(JacksonFeature.withoutExceptionMappers());
        register(Ready.class);
        register(Hello.class);
        register(Store.class);
    }

    /** Answers like causalkv's {@code /ready}, so one probe times both. */
    @Path("ready")
    public static final class Ready {
        @GET
        @Produces("application/json")
        public Map<String, Object> ready() {
            return Map.of("ready", true);
        }
    }

    /** Answers like causalkv's {@code GET /hello} ({@code HelloResource}): {@code {"message":"world"}}. */
    @Path("hello")
    public static final class Hello {
        @GET
        @Produces("application/json")
        public Map<String, Object> hello() {
            return Map.of("message", "world");
        }
    }

    /** A key-value map with causalkv's kvs answers (API.md), without the causal metadata. */
    @Path("kvs/{key}")
    public static final class Store {
        private static final Map<String, JsonNode> VALUES = new ConcurrentHashMap<>();

        @PUT
        @Consumes(MediaType.WILDCARD)
        @Produces("application/json")
        public Response put(@PathParam("key") String key, JsonNode body) {
            JsonNode value = body == null ? null : body.get("value");
            if (value == null) {
                return Response.status(400).entity(Map.of("error", "Value is missing", "message", "Error in PUT"))
                        .build();
            }
            boolean created = VALUES.put(key, value) == null;
            return Response.status(created ? 201 : 200).entity(Map.of("result", created ? "created" : "replaced"))
                    .build();
        }

        @GET
        @Produces("application/json")
        public Response get(@PathParam("key") String key) {
            JsonNode value = VALUES.get(key);
            if (value == null) {
                return Response.status(404).entity(Map.of("error", "Key does not exist")).build();
            }
            return Response.ok(Map.of("result", "found", "value", value)).build();
        }
    }
}
