package io.causalkv.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request bodies: plausible JSON objects with wrong types in every field a dialect reads (value,
 * causal metadata, socket-address, shard-count, view, repl-factor, peer messages), causal
 * metadata from the future (unknown epochs, huge or negative counters, wrong shapes, real
 * metadata mutated), and bytes that are not JSON at all: invalid UTF-8, deep nesting, huge
 * numbers, and bodies over the 1 MiB limit.
 *
 * <p>Membership-changing fields are never valid: a socket-address never parses as an address,
 * a shard-count is never 1 or 2 (a reshard the clusters could perform), a view never parses.
 * Bad input must change nothing; valid membership changes are other tests' business.
 */
final class BodyGenerator {

    /** A body over the limit is this big at least (API.md 4.1: 1 MiB), up to twice that plus. */
    static final int OVERSIZED_MIN = 2 * 1024 * 1024;

    private static final List<String> FIELDS = List.of(
            "value", "value", "value", "causal-metadata", "causal-metadata", "causal-context", "causal-context",
            "socket-address", "shard-count", "view", "repl-factor", "from", "address", "map", "shard", "writes", "since",
            "entries", "phase", "participants", "", "Value", "VALUE", "causal_metadata", "x".repeat(300));

    private final Random random;
    private final List<String> realMetadata;

    BodyGenerator(Random random, List<String> realMetadata) {
        this.random = random;
        this.realMetadata = realMetadata;
    }

    /** A body; empty means none. */
    byte[] next() {
        int roll = random.nextInt(1000);
        if (roll < 120) {
            return new byte[0];
        }
        if (roll < 140) {
            return utf8(pick(" ", "\r\n\t ", "\n"));
        }
        if (roll < 640) {
            return utf8(object());
        }
        if (roll < 800) {
            return utf8(notJson());
        }
        if (roll < 880) {
            return badBytes();
        }
        if (roll < 940) {
            return deep();
        }
        if (roll < 990) {
            return utf8("{\"value\":" + hugeNumber() + ",\"causal-metadata\":" + metadata() + "}");
        }
        return oversized();
    }

    String object() {
        StringBuilder body = new StringBuilder("{");
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            String name = pick(FIELDS);
            if (i > 0) {
                body.append(',');
            }
            body.append(string(name)).append(':').append(valueFor(name));
        }
        if (random.nextInt(20) == 0) {
            body.append(fields > 0 ? "," : "").append("\"value\":1,\"value\":{\"dup\":true}");
        }
        return body.append('}').toString();
    }

    private String valueFor(String field) {
        return switch (field) {
            case "value" -> value(2);
            case "causal-metadata", "causal-context", "since", "map", "shard" -> metadata();
            case "socket-address", "from", "address" -> badAddress();
            case "shard-count", "repl-factor" -> badCount();
            case "view", "participants" -> badView();
            case "phase" -> pick("\"STAGE\"", "\"stage\"", "\"\"", "1", "null", "\"COMMITTED\"", "[\"TRANSFER\"]");
            case "writes", "entries" -> pick("[]", "[{}]", "[1,2]", "{}", "\"w\"", "[{\"k\":\"a\",\"d\":{}}]", "null", "[null]");
            default -> value(1);
        };
    }

    /** Any JSON value, at most {@code depth} levels of containers. */
    String value(int depth) {
        int roll = random.nextInt(depth > 0 ? 12 : 9);
        return switch (roll) {
            case 0 -> "null";
            case 1 -> pick("true", "false");
            case 2 -> Long.toString(random.nextLong());
            case 3 -> pick("0", "-0", "1.5", "1e3", "1E-7", "-1.0e+308", "0.1", "123456789012345678901234567890");
            case 4 -> hugeNumber();
            case 5 -> string(text(random.nextInt(30)));
            case 6 -> string(pick("", "\\u0000", "\\ud800", "\\udc00\\ud800", "\\uFFFF", "é日本😀", "\\\"\\\\\\/\\b\\f\\n\\r\\t",
                    "<script>alert(1)</script>", "%zz", "null", "{\\\"nested\\\":1}"));
            case 7 -> string(text(pick(1_000, 10_000, 100_000)));
            case 8 -> metadata();
            case 9 -> "[" + value(depth - 1) + "," + value(depth - 1) + "]";
            case 10 -> "{" + string(text(3)) + ":" + value(depth - 1) + "}";
            default -> "[]";
        };
    }

    /** Causal metadata of every wrong kind, and sometimes the right kind. */
    String metadata() {
        int roll = random.nextInt(20);
        if (roll < 3) {
            return pick("null", "\"\"", "{}");
        }
        if (roll < 6) {
            return pick("0", "-1", "1.5", "true", "\"abc\"", "\"{}\"", "[]", "[{}]", "{\"e\":1}", "{\"s\":{}}", "\"null\"");
        }
        if (roll < 9 || realMetadata.isEmpty()) {
            return "{\"e\":" + counter() + ",\"s\":{" + string(pick("1", "2", "3", "0", "-1", "01", "x", "999999999", "4294967297"))
                    + ":{" + string(pick("127.0.0.1:1@a.1", "", "r", "\\u0000", "\\ud800", "a\\udc00", "x".repeat(500))) + ":" + counter() + "}}"
                    + (random.nextBoolean() ? ",\"l\":" + counter() : "") + (random.nextInt(5) == 0 ? ",\"x\":1" : "") + "}";
        }
        return mutate(pick(realMetadata));
    }

    /** Real metadata with its numbers pushed into the future, the past, or out of range. */
    private String mutate(String real) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("(?<=:)\\d+").matcher(real);
        int last = 0;
        while (numbers.find()) {
            out.append(real, last, numbers.start());
            out.append(random.nextInt(3) == 0 ? counter() : numbers.group());
            last = numbers.end();
        }
        out.append(real.substring(last));
        String mutated = out.toString();
        return switch (random.nextInt(6)) {
            case 0 -> mutated.replaceFirst("\"e\":\\d+", "\"e\":" + counter());
            case 1 -> mutated.replaceFirst("\\{", "{\"l\":" + counter() + ",");
            case 2 -> mutated.replace("\"s\":{", "\"s\":{\"9\":{\"ghost@1.1\":" + counter() + "},");
            case 3 -> string(mutated.replace("\\", "\\\\").replace("\"", "\\\""));
            default -> mutated;
        };
    }

    private String counter() {
        return pick("0", "1", "2", "7", "1000000", "-1", "-9223372036854775808", "9223372036854775807",
                "9223372036854775808", "9007199254740991", "9007199254740992", "1e30", "1.5", "\"3\"", "null", "[1]", "{}",
                "18446744073709551616" + "0".repeat(random.nextInt(3) * 40));
    }

    private String hugeNumber() {
        return pick("1e999999", "-1e-999999", "1" + "0".repeat(900), "9".repeat(1_200), "0." + "0".repeat(2_000) + "1",
                "1.7976931348623157e309", "123456789012345678901234567890.123456789e-400", "NaN", "Infinity", "-Infinity",
                "01", "1.", ".5", "+1", "0x10");
    }

    private String badAddress() {
        return pick("\"\"", "\"127.0.0.1\"", "\"127.0.0.1:\"", "\":8090\"", "\"127.0.0.1:abc\"", "\"127.0.0.1:99999\"",
                "\"127.0.0.1:-1\"", "\"127.0.0.1:8090:\"", "\"é\"", "8090", "null", "[]", "[\"127.0.0.1\"]", "{}", "true",
                "\"127.0.0.1: 80 \"" + "", "\"" + "1".repeat(300) + "\"");
    }

    private String badCount() {
        return pick("0", "-1", "3", "4", "1000", "2147483648", "99999999999999999999", "1.5", "2.0", "\"2\"", "\"1\"", "null",
                "[]", "{}", "true", "1e1", "-0", "\"\"");
    }

    private String badView() {
        return pick("\"\"", "\",,,\"", "\"garbage\"", "\"127.0.0.1\"", "\"127.0.0.1:\"", "\"a:b\"", "\"127.0.0.1:99999\"",
                "\"127.0.0.1:1,127.0.0.1:x\"", "5", "null", "[]", "[1,2]", "[\"127.0.0.1\"]", "{}", "[null]", "true");
    }

    private String notJson() {
        return pick("nope", "{", "}", "{\"value\":", "{\"value\":1", "[1,2]", "42", "null", "\"str\"", "true",
                "{'value':1}", "{\"value\":1,}", "{value:1}", "{\"value\":NaN}", "{\"value\":1}garbage",
                "{\"value\":1}{\"value\":2}", "/* c */{\"value\":1}", "// c\n{}", "\uFEFF{\"value\":1}",
                "{\"value\":\"unterminated}", "{\"value\":\"\\x41\"}", "{\"value\":\"\\u12\"}", "{\"value\":tru}",
                "{\"value\":\"a\"\"b\"}", "{\"\":}", "{,}", "[", "]", "{\"a\" 1}", "\u0000", "{\"value\":\"\t\"}",
                "<html></html>", "value=1", "{\"value\":1e}", "{\"value\":-}", "{\"value\":--1}");
    }

    private byte[] badBytes() {
        return switch (random.nextInt(6)) {
            case 0 -> concat("{\"value\":\"", new byte[] {(byte) 0xC3, 0x28}, "\"}");
            case 1 -> concat("{\"value\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF, (byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}");
            case 2 -> concat("{\"", new byte[] {(byte) 0xFF, (byte) 0xFE}, "\":1}");
            case 3 -> "{\"value\":\"é\"}".getBytes(StandardCharsets.UTF_16);
            case 4 -> "{\"value\":\"é\"}".getBytes(StandardCharsets.ISO_8859_1);
            default -> {
                byte[] noise = new byte[1 + random.nextInt(2_000)];
                random.nextBytes(noise);
                yield noise;
            }
        };
    }

    private byte[] deep() {
        int depth = pick(1_001, 5_000, 100_000, 300_000);
        return switch (random.nextInt(4)) {
            case 0 -> utf8("{\"value\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
            case 1 -> utf8("[".repeat(depth));
            case 2 -> utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
            default -> utf8("{\"causal-metadata\":{\"e\":1,\"s\":" + "{\"1\":".repeat(depth) + "1" + "}".repeat(depth) + "}}");
        };
    }

    private byte[] oversized() {
        int size = OVERSIZED_MIN + random.nextInt(OVERSIZED_MIN);
        byte[] body = new byte[size];
        byte[] open = utf8("{\"value\":\"");
        System.arraycopy(open, 0, body, 0, open.length);
        java.util.Arrays.fill(body, open.length, size - 2, (byte) 'x');
        body[size - 2] = '"';
        body[size - 1] = '}';
        return body;
    }

    private String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static String string(String escapedContent) {
        return "\"" + escapedContent + "\"";
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(before));
        out.writeBytes(middle);
        out.writeBytes(utf8(after));
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
