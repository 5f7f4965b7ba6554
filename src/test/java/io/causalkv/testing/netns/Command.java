package io.causalkv.testing.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (ip, nft, kill) with a bound, and fails with what it printed. */
final class Command {

    private static final long BOUND_SECONDS = 20;

    private Command() {
    }

    static String run(String... command) {
        return run(List.of(command));
    }

    static String run(List<String> command) {
        return run(Duration.ofSeconds(BOUND_SECONDS), command);
    }

    static String run(Duration bound, List<String> command) {
        Result result = attempt(command, bound);
        if (result.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exit + ": " + result.output);
        }
        return result.output;
    }

    /** What it printed, if it succeeded (a query of what may already be gone). */
    static java.util.Optional<String> output(String... command) {
        Result result = attempt(List.of(command), Duration.ofSeconds(BOUND_SECONDS));
        return result.exit == 0 ? java.util.Optional.of(result.output) : java.util.Optional.empty();
    }

    /** Runs it and ignores a failure (clean-up of what may already be gone). */
    static boolean quietly(String... command) {
        return attempt(List.of(command), Duration.ofSeconds(BOUND_SECONDS)).exit == 0;
    }

    private record Result(int exit, String output) {
    }

    private static Result attempt(List<String> command, Duration bound) {
        Path output = null;
        try {
            // The output goes to a file: a command that prints much cannot block on a full pipe.
            output = Files.createTempFile("causalkv-command", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + bound);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
