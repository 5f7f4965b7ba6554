package io.causalkv.api.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.api.CausalKvApplication;
import io.causalkv.testing.Http;
import io.causalkv.testing.TestNodes;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.client.ClientProperties;
import org.glassfish.jersey.test.JerseyTest;
import org.junit.jupiter.api.Test;

/** API.md 5, one test per row, on the Jersey application alone (in-memory container). */
class HelloResourceTest extends JerseyTest {

    @Override
    protected Application configure() {
        return new CausalKvApplication(TestNodes.standalone());
    }

    @Override
    protected void configureClient(ClientConfig config) {
        config.property(ClientProperties.SUPPRESS_HTTP_COMPLIANCE_VALIDATION, true);
    }

    private static void assertJson(Response response, int status, String json) {
        assertEquals(status, response.getStatus());
        assertEquals("application/json", response.getMediaType().toString());
        assertEquals(Http.json(json), Http.json(response.readEntity(String.class)));
    }

    @Test
    void getHelloAnswersWorld() {
        assertJson(target("hello").request().get(), 200, "{\"message\":\"world\"}");
    }

    @Test
    void postHelloIsNotAllowedWithOrWithoutABody() {
        Response bare = target("hello").request().post(null);
        assertJson(bare, 405, "{\"error\":\"Method not allowed\"}");
        assertEquals(true, bare.getHeaderString("Allow").contains("GET"), bare.getHeaderString("Allow"));
        assertJson(target("hello").request().post(Entity.json("{\"a\":1}")), 405, "{\"error\":\"Method not allowed\"}");
    }

    @Test
    void postHelloNameGreetsThePercentDecodedName() {
        assertJson(target("hello/Ada").request().post(null), 200, "{\"message\":\"Hi, Ada.\"}");
        assertJson(target("hello/J%C3%BCrgen%20M").request().post(null), 200, "{\"message\":\"Hi, Jürgen M.\"}");
    }

    @Test
    void getHelloNameIsNotAllowedWithOrWithoutABody() {
        assertJson(target("hello/Ada").request().get(), 405, "{\"error\":\"Method not allowed\"}");
        assertJson(target("hello/Ada").request().method("GET", Entity.json("{}")), 405, "{\"error\":\"Method not allowed\"}");
    }

    @Test
    void getTestSucceedsIgnoringQueryParameters() {
        assertJson(target("test").request().get(), 200, "{\"message\":\"test is successful\"}");
        assertJson(target("test").queryParam("msg", "x").request().get(), 200, "{\"message\":\"test is successful\"}");
    }

    @Test
    void postTestEchoesTheFormDecodedMessage() {
        assertJson(target("test").queryParam("msg", "hello").request().post(null), 200, "{\"message\":\"hello\"}");
        assertJson(target("test").queryParam("other", "1").queryParam("msg", "x").request().post(null), 200, "{\"message\":\"x\"}");
    }

    @Test
    void postTestWithAnEmptyMessageEchoesTheEmptyString() {
        assertJson(target("test").queryParam("msg", "").request().post(null), 200, "{\"message\":\"\"}");
    }

    @Test
    void postTestWithoutMsgIsABadRequestWithOrWithoutABody() {
        String error = "{\"error\":\"msg query parameter is missing\"}";
        assertJson(target("test").request().post(null), 400, error);
        assertJson(target("test").request().post(Entity.json("{\"msg\":\"x\"}")), 400, error);
    }

    @Test
    void otherMethodsOnHelloPathsAreNotAllowed() {
        assertJson(target("hello").request().put(Entity.json("{}")), 405, "{\"error\":\"Method not allowed\"}");
        assertJson(target("hello").request().delete(), 405, "{\"error\":\"Method not allowed\"}");
        assertJson(target("hello/Ada").request().delete(), 405, "{\"error\":\"Method not allowed\"}");
        assertJson(target("test").request().put(Entity.json("{}")), 405, "{\"error\":\"Method not allowed\"}");
    }
}
