package io.causalkv.bench.startup;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Map;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The trivial Jersey application of {@code bin/bench startup}: one resource answering JSON through
 * Jackson, registered explicitly as causalkv's are. What Jetty + Jersey + Jackson cost to start
 * with no store behind them.
 */
public final class TrivialApp extends ResourceConfig {

    public TrivialApp() {
        register(JacksonFeature.withoutExceptionMappers());
        register(Ready.class);
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
}
