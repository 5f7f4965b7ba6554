package io.causalkv.durability;

import java.io.IOException;
import java.nio.file.Path;

/** A record of a log that is bad and not its torn tail: start-up stops, naming where. */
public final class CorruptLogException extends IOException {

    private final Path file;
    private final long offset;

    public CorruptLogException(Path file, long offset, String problem) {
        super(file + ": corrupt record at offset " + offset + " (" + problem + ")");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
