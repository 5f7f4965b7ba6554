package io.causalkv.api.hello;

import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.node.Dialect;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** The stateless {@code hello} dialect (API.md 5). */
@Path("")
public final class HelloResource {

    @GET
    @Path("hello")
    public Response hello() {
        return Json.response(200, Json.message("world"));
    }

    @POST
    @Path("hello/{name}")
    public Response greet(@PathParam("name") String name) {
        return Json.response(200, Json.message("Hi, " + name + "."));
    }

    @GET
    @Path("test")
    public Response test() {
        return Json.response(200, Json.message("test is successful"));
    }

    /** Jersey form-decodes query parameters: {@code +} is a space and {@code %xx} is decoded. */
    @POST
    @Path("test")
    public Response echo(@QueryParam("msg") String msg) {
        if (msg == null) {
            throw new ApiException(400, ErrorBodies.of(Dialect.HELLO, "msg query parameter is missing", "POST"));
        }
        return Json.response(200, Json.message(msg));
    }
}
