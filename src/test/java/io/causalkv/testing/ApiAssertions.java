package io.causalkv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions on whole answers: status, JSON content type and the exact JSON body (field order aside). */
public final class ApiAssertions {

    private ApiAssertions() {
    }

    public static void assertJson(Http.Reply reply, int status, String expectedJson) {
        assertEquals(status, reply.status(), () -> "status of " + reply);
        assertEquals("application/json", reply.contentType().split(";")[0], () -> "content type of " + reply);
        assertEquals(Http.json(expectedJson), reply.json(), () -> "body of " + reply);
    }
}
