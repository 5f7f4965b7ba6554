package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnswerReaderTest {

    private final HttpAnswerReader reader = new HttpAnswerReader();

    /** As reads do: as much as the buffer has room for, then the buffer again. */
    private void arrive(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; ) {
            java.nio.ByteBuffer buffer = reader.buffer();
            int n = Math.min(buffer.remaining(), bytes.length - at);
            buffer.put(bytes, at, n);
            at += n;
        }
    }

    @Test
    void anAnswerFramedByContentLengthIsWholeOnlyWhenItsLastByteIsIn() {
        arrive("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nCont");
        assertNull(reader.next(true, false));
        arrive("ent-Length: 11\r\n\r\n{\"a\":");
        assertNull(reader.next(true, false));
        arrive("\"bcd\"}HTTP/1.1 404");
        HttpAnswerReader.Answer answer = reader.next(true, false);
        assertEquals(201, answer.status());
        assertEquals("{\"a\":\"bcd\"}", answer.body());
        assertFalse(answer.close());
        arrive(" Not Found\r\ncontent-length: 0\r\nConnection: close\r\n\r\n");
        HttpAnswerReader.Answer next = reader.next(false, false);
        assertEquals(404, next.status());
        assertNull(next.body(), "not asked for");
        assertTrue(next.close());
    }

    @Test
    void aChunkedBodyIsDecoded() {
        arrive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        assertNull(reader.next(true, false));
        arrive("6;x=y\r\n world\r\n0\r\n");
        assertNull(reader.next(true, false), "the empty line after the last chunk is not in yet");
        arrive("\r\n");
        HttpAnswerReader.Answer answer = reader.next(true, false);
        assertEquals("hello world", answer.body());
    }

    @Test
    void interimAnswersAreSkippedAndTrailersRead() {
        arrive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n");
        assertNull(reader.next(true, false), "the empty line after the trailers is not in yet");
        arrive("\r\nHTTP/1.1 204 No Content\r\n\r\n");
        HttpAnswerReader.Answer answer = reader.next(true, false);
        assertEquals(200, answer.status());
        assertEquals("ok", answer.body());
        assertEquals(204, reader.next(true, false).status(), "the trailers were consumed, not left for the next answer");
    }

    @Test
    void aWholeAnswerIsReturnedWhenTheConnectionEndsAfterIt() {
        arrive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        HttpAnswerReader.Answer answer = reader.next(true, true);
        assertEquals("ok", answer.body());
        assertTrue(answer.close());
    }

    @Test
    void malformedFramingIsRefused() {
        arrive("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n");
        assertThrows(IllegalStateException.class, () -> reader.next(true, false));
        reader.reset();
        arrive("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n");
        assertThrows(NumberFormatException.class, () -> reader.next(true, false));
        reader.reset();
        arrive("HTTP/1.1 2x0 OK\r\n\r\n");
        assertThrows(IllegalStateException.class, () -> reader.next(true, false));
        reader.reset();
        arrive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXY0\r\n\r\n");
        assertThrows(IllegalStateException.class, () -> reader.next(true, false), "no CRLF after the chunk");
    }

    @Test
    void aBodyWithoutFramingEndsWithTheConnection() {
        arrive("HTTP/1.1 200 OK\r\n\r\nall of it");
        assertNull(reader.next(true, false));
        HttpAnswerReader.Answer answer = reader.next(true, true);
        assertEquals("all of it", answer.body());
        assertTrue(answer.close());
    }

    @Test
    void noContentHasNoBody() {
        arrive("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals("", reader.next(true, false).body());
    }

    @Test
    void aLargeAnswerGrowsTheBuffer() {
        String body = "x".repeat(20_000);
        arrive("HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n");
        for (int i = 0; i < body.length(); i += 1000) {
            arrive(body.substring(i, i + 1000));
        }
        assertEquals(body, reader.next(true, false).body());
    }

    @Test
    void bytesThatAreNotAnHttpAnswerAreRefused() {
        arrive("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        assertThrows(IllegalStateException.class, () -> reader.next(true, false));
    }
}
