package io.causalkv.bench.wrk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small process and file helpers of the bench: commands on the PATH, their first line of output, trees to wipe. */
final class Which {

    private Which() {
    }

    static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** The first line {@code command} prints (stdout and stderr), or "unknown" if it cannot be run within 10 s. */
    static String firstLine(String... command) {
        try {
            // Output to a file: reading a pipe to its end would wait for as long as the command runs.
            Path file = Files.createTempFile("causalkv-which", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    return "unknown";
                }
                return Files.readString(file, StandardCharsets.UTF_8).lines().map(String::trim).filter(l -> !l.isEmpty())
                        .findFirst().orElse("unknown");
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Runs {@code command} with extra environment, output appended to {@code log}; fails unless it exits 0 within the deadline. */
    static void run(List<String> command, java.util.Map<String, String> env, Path log, int deadlineSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(deadlineSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + deadlineSeconds
                    + " s (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed, exit " + process.exitValue()
                    + " (see " + log + ")");
        }
    }

    /** Fails if anything listens on one of {@code ports} of 127.0.0.1: a server left over would be measured instead. */
    static void requireFree(List<Integer> ports, String what) {
        for (int port : ports) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
                throw new IllegalStateException("port " + port + " of 127.0.0.1 is in use: stop what listens there before "
                        + "the bench starts " + what);
            } catch (IOException e) {
                // refused: free
            }
        }
    }
}
