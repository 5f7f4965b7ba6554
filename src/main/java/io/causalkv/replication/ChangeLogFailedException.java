package io.causalkv.replication;

/**
 * A change could not be recorded in the replica's log (a full disk, an I/O error): it was not
 * applied, and the request that made it is refused (503) rather than acknowledged without it.
 */
public final class ChangeLogFailedException extends RuntimeException {

    public ChangeLogFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
